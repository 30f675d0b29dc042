"""Diagnostics: pushed after a short debounce, or pulled (`textDocument/diagnostic`).

Edits schedule an analysis ~100 ms after the last keystroke; the analysis runs
in the analyzer's worker process, never on the request path, and a result
computed for a version the user has already typed past is dropped.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from lionagi_playground.server.analysis.findings import Finding
from lionagi_playground.server.convert import lsp_diagnostic
from lionagi_playground.server.documents import Snapshot, is_open, snapshot, version_of

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.1
IDENTIFIER = "lionagi-playground"


def is_python(uri: str, language_id: str | None) -> bool:
    return language_id == "python" or uri.endswith((".py", ".pyi"))


@dataclass(frozen=True)
class Analysed:
    """The findings of one version of a document."""

    version: int | None
    text: str
    findings: tuple[Finding, ...]


class DiagnosticsScheduler:
    """Per session: debounce edits, analyse, publish for the version analysed."""

    def __init__(self, server: PlaygroundServer) -> None:
        self.server = server
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.latest: dict[str, Analysed] = {}
        self.pull = False
        """Whether the client pulls diagnostics; then nothing is pushed."""

    def schedule(self, uri: str, delay: float = DEBOUNCE_SECONDS) -> None:
        if self.pull:
            return
        if (timer := self._timers.pop(uri, None)) is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(delay, self._start, uri)

    def _start(self, uri: str) -> None:
        self._timers.pop(uri, None)
        previous = self._tasks.get(uri)
        if previous is not None and not previous.done():
            previous.cancel()
        self._tasks[uri] = asyncio.get_running_loop().create_task(self._publish(uri))

    async def analyse(self, snap: Snapshot) -> Analysed:
        known = self.latest.get(snap.uri)
        if known is not None and known.version == snap.version and known.text == snap.text:
            return known
        findings = await self.server.shared.analyzer.analyze(snap.text, snap.path or snap.uri)
        analysed = Analysed(snap.version, snap.text, findings)
        workspace = self.server.workspace
        if is_open(workspace, snap.uri) and version_of(workspace, snap.uri) == snap.version:
            self.latest[snap.uri] = analysed
        return analysed

    async def _publish(self, uri: str) -> None:
        snap = snapshot(self.server.workspace, uri)
        if snap is None:
            return
        try:
            analysed = await self.analyse(snap)
        except Exception:
            log.exception("analysis of %s failed", uri)
            return
        workspace = self.server.workspace
        if not is_open(workspace, uri) or version_of(workspace, uri) != snap.version:
            return  # the user typed on (or closed it): a newer analysis is on its way
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=snap.version,
                diagnostics=[lsp_diagnostic(snap.lines, f) for f in analysed.findings],
            )
        )

    def forget(self, uri: str) -> None:
        if (timer := self._timers.pop(uri, None)) is not None:
            timer.cancel()
        if (task := self._tasks.pop(uri, None)) is not None:
            task.cancel()
        self.latest.pop(uri, None)

    def close(self) -> None:
        for uri in list(self._timers) + list(self._tasks):
            self.forget(uri)


def _result_id(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def register(server: PlaygroundServer) -> None:
    scheduler = server.diagnostics

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier=IDENTIFIER, inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    async def pull(
        ls: PlaygroundServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        snap = snapshot(ls.workspace, params.text_document.uri)
        if snap is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = _result_id(snap.text)
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        analysed = await scheduler.analyse(snap)
        return types.RelatedFullDocumentDiagnosticReport(
            items=[lsp_diagnostic(snap.lines, f) for f in analysed.findings],
            result_id=result_id,
        )

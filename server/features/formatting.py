"""Formatting with ruff's formatter (Black-compatible), run as ruff's own binary."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from ruff.__main__ import find_ruff_bin

from lionagi_playground.server.convert import utf16_column
from lionagi_playground.server.documents import snapshot

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer

log = logging.getLogger(__name__)

FORMAT_TIMEOUT_SECONDS = 10


async def format_text(text: str, line_length: int | None = None) -> str | None:
    """`text` formatted, or None when ruff cannot format it (e.g. a syntax error)."""
    command = [find_ruff_bin(), "format", "--quiet", "--stdin-filename", "playground.py"]
    if line_length is not None:
        command += ["--line-length", str(line_length)]
    command.append("-")
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate(text.encode("utf-8", "surrogatepass")), FORMAT_TIMEOUT_SECONDS
        )
    except TimeoutError:
        process.kill()
        await process.wait()
        log.warning("ruff format timed out")
        return None
    if process.returncode != 0:
        log.info("ruff format declined: %s", err.decode(errors="replace").strip())
        return None
    return out.decode("utf-8", errors="surrogateescape")


def register(server: PlaygroundServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    async def formatting(
        ls: PlaygroundServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        snap = snapshot(ls.workspace, params.text_document.uri)
        if snap is None:
            return None
        formatted = await format_text(snap.text)
        if formatted is None or formatted == snap.text:
            return []
        last = len(snap.lines) - 1
        end = types.Position(
            line=last, character=utf16_column(snap.lines[last], len(snap.lines[last]))
        )
        return [
            types.TextEdit(
                range=types.Range(start=types.Position(line=0, character=0), end=end),
                new_text=formatted,
            )
        ]

"""Code actions: the quick fixes the analysis attached to its findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from lionagi_playground.server.analysis.findings import Finding, Span
from lionagi_playground.server.convert import lsp_diagnostic, lsp_text_edit, span_from_lsp
from lionagi_playground.server.documents import snapshot

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer


def _overlaps(a: Span, b: Span) -> bool:
    return (a.line, a.col) <= (b.end_line, b.end_col) and (b.line, b.col) <= (a.end_line, a.end_col)


def lsp_code_actions(
    uri: str, version: int | None, lines: list[str], findings: tuple[Finding, ...], wanted: Span
) -> list[types.CodeAction]:
    actions = []
    for finding in findings:
        if not finding.fixes or not _overlaps(finding.span, wanted):
            continue
        diagnostic = lsp_diagnostic(lines, finding)
        for fix in finding.fixes:
            edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
                lsp_text_edit(lines, edit) for edit in fix.edits
            ]
            actions.append(
                types.CodeAction(
                    title=fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=fix.preferred,
                    edit=types.WorkspaceEdit(
                        document_changes=[
                            types.TextDocumentEdit(
                                text_document=types.OptionalVersionedTextDocumentIdentifier(
                                    uri=uri, version=version
                                ),
                                edits=edits,
                            )
                        ]
                    ),
                )
            )
    return actions


def register(server: PlaygroundServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(
        ls: PlaygroundServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        snap = snapshot(ls.workspace, params.text_document.uri)
        if snap is None:
            return None
        only = params.context.only
        if only and not any(kind.startswith(types.CodeActionKind.QuickFix) for kind in only):
            return []
        analysed = await ls.diagnostics.analyse(snap)
        wanted = span_from_lsp(snap.lines, params.range)
        return lsp_code_actions(snap.uri, snap.version, snap.lines, analysed.findings, wanted)

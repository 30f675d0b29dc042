"""Signature help inside a call: the callee's signatures and the active parameter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from lionagi_playground.server.documents import Snapshot, cursor

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer


def _signatures(
    server: PlaygroundServer, snap: Snapshot, line: int, column: int
) -> types.SignatureHelp | None:
    script = server.shared.jedi.script(snap.text, snap.path, snap.root)
    signatures = script.get_signatures(line, column)
    if not signatures:
        return None
    infos = []
    for signature in signatures:
        infos.append(
            types.SignatureInformation(
                label=signature.to_string(),
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.PlainText, value=signature.docstring(raw=True)
                ),
                parameters=[
                    types.ParameterInformation(label=param.to_string())
                    for param in signature.params
                ],
            )
        )
    active = signatures[0].index
    return types.SignatureHelp(
        signatures=infos, active_signature=0, active_parameter=active if active is not None else 0
    )


def register(server: PlaygroundServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[")"]),
    )
    async def signature_help(
        ls: PlaygroundServer, params: types.SignatureHelpParams
    ) -> types.SignatureHelp | None:
        at = cursor(ls.workspace, params)
        if at is None:
            return None
        return await ls.shared.jedi.run(_signatures, ls, at.snap, at.line, at.column)

"""LSP features: thin handlers over the engines, one module per feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer


def register_all(server: PlaygroundServer) -> None:
    from lionagi_playground.server.features import (
        code_actions,
        completion,
        definition,
        diagnostics,
        formatting,
        hover,
        run,
        signature,
        symbols,
        sync,
        templates,
    )

    for module in (
        sync,
        diagnostics,
        completion,
        hover,
        signature,
        definition,
        symbols,
        code_actions,
        formatting,
        run,
        templates,
    ):
        module.register(server)
    from lionagi_playground.server.collab import handlers

    handlers.register(server)

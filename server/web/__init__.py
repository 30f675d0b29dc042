"""The web playground's HTTP side (`lionagi-playground serve`): the page and its assets, the
token cookie, and the same /lsp WebSocket and /health as `lsp --ws`."""

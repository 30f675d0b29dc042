"""The `lionagi-playground` command line: one module per subcommand, `main` parses and dispatches.

`lsp` (the language server), `run` (a file in the sandbox), `image` (the docker backend's
image) and `setup` (the runtime environment); `serve` will join them. Neither the server nor
the sandbox holds command-line code: each subcommand here calls into them.
"""

from __future__ import annotations

from lionagi_playground.cli.main import main

__all__ = ["main"]

"""The plugin without setup(): on 'runtimepath', its lsp/lionagi_playground.lua is a config
that `vim.lsp.enable('lionagi_playground')` starts (the nvim-lspconfig way of Neovim 0.11),
and the commands work with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.neovim.harness import SERVER, start_editor, stop_editor

CHECKOUT = Path(__file__).resolve().parents[2]

INIT = """\
vim.opt.runtimepath:prepend({plugin})
vim.opt.swapfile = false
vim.lsp.config('lionagi_playground', {{ cmd = {{ {cmd} }} }})
vim.lsp.enable('lionagi_playground')
"""


@pytest.mark.slow
def test_vim_lsp_enable_alone(tmp_path: Path) -> None:
    init = tmp_path / "init.lua"
    init.write_text(
        INIT.format(
            plugin=f'"{CHECKOUT / "clients" / "neovim"}"',
            cmd=", ".join(f'"{part}"' for part in SERVER),
        )
    )
    editor = start_editor(tmp_path / "home", init=init)
    try:
        editor.edit(tmp_path / "agent.py", "print('enabled')\nfrom lionagi import Agent\n")
        editor.wait_client()
        editor.wait_diagnostic("lionagi", "LION101")
        editor.command("PlaygroundRun")
        editor.wait_console("enabled")
        editor.wait_console("ImportError: cannot import name 'Agent'")
        editor.wait_console("✘ error · exit 1")
    finally:
        stop_editor(editor)

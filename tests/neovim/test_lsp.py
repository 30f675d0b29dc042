"""Code intelligence in a real Neovim 0.11: the plugin starts the server for a Python file,
its diagnostics reach vim.diagnostic, and completion answers through the built-in omnifunc."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.neovim.harness import Editor, nvim_version

COMPLETION_TIMEOUT = 90.0


def test_the_binary_is_neovim_0_11() -> None:
    assert nvim_version().startswith("NVIM v0.11."), nvim_version()


def test_lionagi_diagnostics_arrive(editor: Editor, tmp_path: Path) -> None:
    editor.edit(tmp_path / "agent.py", "from lionagi import Agent\n\nagent = Agent()\n")
    editor.wait_client()
    editor.wait_diagnostic("lionagi", "LION101")
    message = editor.lua(
        "return vim.tbl_filter(function(d) return d.source == 'lionagi' end,"
        " vim.diagnostic.get(0))[1].message"
    )
    assert "Branch" in message


def test_a_missing_await_is_reported_and_clears_when_fixed(editor: Editor, tmp_path: Path) -> None:
    text = (
        "from lionagi import Branch\n\n\n"
        "async def main():\n"
        "    branch = Branch()\n"
        '    reply = branch.communicate("hi")\n'
        "    print(reply)\n"
    )
    editor.edit(tmp_path / "chat.py", text)
    editor.wait_client()
    editor.wait(
        "#vim.tbl_filter(function(d) return d.source == 'lionagi' and d.lnum == 5 end,"
        " vim.diagnostic.get(0)) > 0",
        "a lionagi diagnostic on the call without await",
    )
    # The fix, typed as a user would: insert `await ` before the call.
    editor.command("call cursor(6, 13)")
    editor.input("iawait <Esc>")
    editor.wait(
        "#vim.tbl_filter(function(d) return d.source == 'lionagi' end, vim.diagnostic.get(0)) == 0"
        " and vim.api.nvim_buf_get_lines(0, 5, 6, false)[1]:find('await branch', 1, true) ~= nil",
        "the lionagi diagnostic to clear",
    )


def _complete(editor: Editor, typed: str, expected: str) -> list[str]:
    """Types `typed` on a new last line, asks for omni completion (<C-x><C-o>, which Neovim 0.11
    wires to the LSP client) and returns the words offered once `expected` is among them.

    A document's first completions answer with its words while jedi warms up
    (docs/architecture.md; jedi's first look at lionagi from a new folder takes seconds): then
    the menu is closed and asked for again, as a user would, until COMPLETION_TIMEOUT."""
    words: list[str] = []
    deadline = time.monotonic() + COMPLETION_TIMEOUT
    attempt = 0
    while time.monotonic() < deadline:
        editor.input("Go" if attempt == 0 else "S")
        attempt += 1
        editor.input(f"{typed}<C-x><C-o>")
        shown = editor.lua(
            "return vim.wait(3000, function() return vim.fn.pumvisible() == 1 end, 20)"
        )
        words = (
            editor.lua(
                "return vim.tbl_map(function(i) return i.word end,"
                " vim.fn.complete_info({ 'items' }).items)"
            )
            if shown
            else []
        )
        editor.input("<C-e><Esc>")
        if expected in words:
            return words
    raise AssertionError(f"completion after {typed!r} never offered {expected!r}: {words}")


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_completion_after_a_branch_dot(editor: Editor, tmp_path: Path) -> None:
    editor.edit(tmp_path / "complete.py", "from lionagi import Branch\n\n")
    editor.wait_client()
    words = _complete(editor, "Branch().", "communicate")
    assert "operate" in words


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_completion_of_a_lionagi_import(editor: Editor, tmp_path: Path) -> None:
    editor.edit(tmp_path / "imports.py", "\n")
    editor.wait_client()
    words = _complete(editor, "from lionagi import Bra", "Branch")
    assert all(word.lower().startswith("bra") for word in words), words

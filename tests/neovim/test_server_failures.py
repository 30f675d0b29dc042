"""A missing server and a crashed one, in a real Neovim 0.11: each says so in one clear message
with what to do, and :PlaygroundRestart recovers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.neovim.harness import SERVER, Editor, start_editor, stop_editor

CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_missing_server_says_how_to_install_and_restart_recovers(tmp_path: Path) -> None:
    program = tmp_path / "bin" / "lionagi-playground"
    editor = start_editor(tmp_path / "home", cmd=[str(program), "lsp"])
    try:
        editor.edit(tmp_path / "agent.py", "from lionagi import Agent\n\nagent = Agent()\n")
        editor.wait_message(f"the server `{program}` was not found")
        messages = editor.messages()
        # The plugin is in this checkout: the install command is its `make setup`.
        assert f"Install it with `make -C '{CHECKOUT}' setup`" in messages
        assert ":PlaygroundRestart" in messages
        # Opening another file does not say it again; asking for a run does.
        editor.edit(tmp_path / "other.py", "x = 1\n")
        editor.command("PlaygroundRun")
        editor.wait_message("was not found", count=2)
        assert editor.lua("return #vim.lsp.get_clients()") == 0

        # The user installs it (here: the checkout's own) and restarts.
        program.parent.mkdir()
        program.symlink_to(SERVER[0])
        editor.command("buffer agent.py")
        editor.command("PlaygroundRestart")
        editor.wait_client()
        editor.wait_diagnostic("lionagi", "LION101")
    finally:
        stop_editor(editor)


@pytest.mark.slow
def test_a_crashed_server_says_so_and_restart_recovers(editor: Editor, tmp_path: Path) -> None:
    program = "import time\nprint('started', flush=True)\ntime.sleep(60)\n"
    editor.edit(tmp_path / "main.py", program)
    editor.wait_client()
    editor.command("PlaygroundRun")
    editor.wait_console("started")
    [server] = editor.server_processes()

    server.kill()
    editor.wait_message("the server stopped unexpectedly (signal 9)")
    assert "Run :PlaygroundRestart to start it again" in editor.messages()
    editor.wait_console("the server stopped, and the run with it")
    server.wait(timeout=10)

    editor.command("PlaygroundRestart")
    editor.wait_client()
    [restarted] = editor.server_processes()
    assert restarted.pid != server.pid
    # The new server knows the buffer: a new edit is analysed, and a run works again.
    editor.lua("vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'from lionagi import Agent' })")
    editor.wait_diagnostic("lionagi", "LION101")
    editor.lua("vim.api.nvim_buf_set_lines(0, 0, -1, false, { \"print('after the restart')\" })")
    editor.command("PlaygroundRun")
    editor.wait_console("after the restart")
    editor.wait_console("✔ ok")

"""Runs from a real Neovim 0.11: :PlaygroundRun streams into the output split, which follows
the output; input() gets lines typed in the split or sent with :PlaygroundInput; :PlaygroundStop
cancels; the run's end shows its status and usage."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.neovim.harness import Editor

CONSOLE = "require('lionagi_playground.console').current()"


def console_window(editor: Editor) -> int:
    return int(editor.lua(f"return vim.fn.win_findbuf({CONSOLE}.buf)[1] or -1"))


@pytest.mark.slow
def test_run_streams_output_into_a_split_that_follows(editor: Editor, tmp_path: Path) -> None:
    program = (
        "import sys\n"
        "from helper import shout\n"
        "for i in range(60):\n"
        "    print('line', i)\n"
        "print(shout('done'))\n"
        "print('to stderr', file=sys.stderr)\n"
    )
    (tmp_path / "helper.py").write_text("def shout(text):\n    return text.upper() + '!'\n")
    editor.edit(tmp_path / "main.py", program)
    editor.wait_client()
    source_window = editor.lua("return vim.api.nvim_get_current_win()")

    editor.command("PlaygroundRun")
    editor.wait_console("line 59")
    editor.wait_console("DONE!")  # the file's folder ran: helper.py beside it was imported
    editor.wait_console("to stderr")
    editor.wait_console("✔ ok · exit 0")
    text = editor.console_text()
    assert text.index("line 0") < text.index("line 59") < text.index("✔ ok")
    assert "peak" in text
    assert "CPU" in text
    # The split is a window of its own below; the source keeps the focus.
    window = console_window(editor)
    assert window != -1
    assert editor.lua("return vim.api.nvim_get_current_win()") == source_window
    # It follows the output: its last line is in view although 60 lines do not fit.
    editor.wait(
        f"vim.fn.line('w$', {window}) == vim.api.nvim_buf_line_count({CONSOLE}.buf)"
        f" and vim.fn.line('w0', {window}) > 1",
        "the split to show the end of the output",
    )
    assert "✔ ok" in editor.lua(f"return vim.wo[{window}].winbar")


@pytest.mark.slow
def test_unsaved_text_is_what_runs(editor: Editor, tmp_path: Path) -> None:
    editor.edit(tmp_path / "main.py", "print('saved')\n")
    editor.wait_client()
    editor.lua("vim.api.nvim_buf_set_lines(0, 0, -1, false, { \"print('unsaved edit')\" })")
    editor.command("PlaygroundRun")
    editor.wait_console("✔ ok")
    text = editor.console_text()
    assert "unsaved edit" in text
    assert "saved\n" not in text


@pytest.mark.slow
def test_input_typed_in_the_split_and_sent_with_a_command(editor: Editor, tmp_path: Path) -> None:
    program = (
        "name = input('name? ')\n"
        "print('hello', name)\n"
        "colour = input('colour? ')\n"
        "print(name, 'likes', colour)\n"
    )
    editor.edit(tmp_path / "main.py", program)
    editor.wait_client()
    editor.command("PlaygroundRun")
    editor.wait_console("name?")

    # Typed in the split, in terminal mode, as a user would.
    editor.lua(f"vim.api.nvim_set_current_win(vim.fn.win_findbuf({CONSOLE}.buf)[1])")
    editor.input("iAda<BS>a<CR>")
    editor.wait_console("hello Ada")
    editor.wait_console("colour?")
    editor.input("<C-\\><C-n><C-w>p")
    editor.wait("vim.bo.filetype == 'python' and vim.api.nvim_get_mode().mode == 'n'", "the source")

    # Sent with the command from the source window.
    editor.command("PlaygroundInput green")
    editor.wait_console("Ada likes green")
    editor.wait_console("✔ ok")


@pytest.mark.slow
def test_stop_cancels_the_run(editor: Editor, tmp_path: Path) -> None:
    program = "import time\nprint('started', flush=True)\nwhile True:\n    time.sleep(0.1)\n"
    editor.edit(tmp_path / "main.py", program)
    editor.wait_client()
    editor.command("PlaygroundRun")
    editor.wait_console("started")
    editor.wait(
        f"vim.wo[vim.fn.win_findbuf({CONSOLE}.buf)[1]].winbar:find('running') ~= nil",
        "the winbar to say the run is running",
    )
    editor.command("PlaygroundStop")
    editor.wait_console("■ cancelled")
    assert "exit 0" not in editor.console_text()


@pytest.mark.slow
def test_a_refused_run_says_why(editor: Editor, tmp_path: Path) -> None:
    editor.edit(tmp_path / "main.py", "print(1)\n")
    editor.wait_client()
    editor.lua("require('lionagi_playground').options.limits = { timeout = -1 }")
    editor.command("PlaygroundRun")
    editor.wait_console("✘ invalid params for playground/run")
    editor.wait_console("timeout")


@pytest.mark.slow
def test_a_figure_is_saved_and_named_in_the_split(editor: Editor, tmp_path: Path) -> None:
    program = (
        "import matplotlib.pyplot as plt\n"
        "plt.plot([1, 2, 3], [1, 4, 9])\n"
        "plt.show()\n"
        "print('after the figure')\n"
    )
    editor.edit(tmp_path / "plot.py", program)
    editor.wait_client()
    editor.command("PlaygroundRun")
    editor.wait_console("after the figure")
    editor.wait_console("✔ ok")
    text = editor.console_text().replace("\n", "")  # the terminal wraps the long path
    start = text.index("[image/png, ")
    path = Path(text[text.index(": ", start) + 2 : text.index(".png]", start) + 4])
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    path.unlink()


@pytest.mark.slow
def test_ctrl_d_ends_the_input_and_ctrl_c_stops(editor: Editor, tmp_path: Path) -> None:
    program = (
        "import sys, time\n"
        "print('type, then Ctrl-D', flush=True)\n"
        "lines = sys.stdin.read().splitlines()\n"
        "print(len(lines), 'lines:', lines, flush=True)\n"
        "while True:\n"
        "    time.sleep(0.1)\n"
    )
    editor.edit(tmp_path / "main.py", program)
    editor.wait_client()
    editor.command("PlaygroundRun")
    editor.wait_console("type, then Ctrl-D")
    editor.lua(f"vim.api.nvim_set_current_win(vim.fn.win_findbuf({CONSOLE}.buf)[1])")
    editor.input("ione<CR>two<C-d>")
    editor.wait_console("2 lines: ['one', 'two']")
    editor.input("<C-c>")
    editor.wait_console("■ cancelled")

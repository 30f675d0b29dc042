""":PlaygroundTrace in a real Neovim 0.11, with the real server and runtime: after a lionagi
program whose model calls a tool (the offline model, operate(actions=True)), the trace buffer
has a line for the model call and one for the tool call with its arguments, folded by branch,
and <CR> on the tool call's line shows its whole content; with `keys` and `record`, a run
against a stand-in for OpenAI's API on this machine saves its recording beside the file, and a
run without keys replays it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_openai import FakeOpenAI
from tests.neovim.harness import SERVER, Editor, lua_string, start_editor, stop_editor
from tests.programs import TOOL_PROGRAM, online_program

TRACE = "vim.fn.bufnr('playground://trace')"


def trace_lines(editor: Editor) -> list[str]:
    return list(editor.lua(f"return vim.api.nvim_buf_get_lines({TRACE}, 0, -1, false)"))


def line_of(lines: list[str], *parts: str) -> int:
    """The 1-based number of the first line holding every part."""
    for number, line in enumerate(lines, start=1):
        if all(part in line for part in parts):
            return number
    raise AssertionError(f"no line with {parts} in:\n" + "\n".join(lines))


@pytest.mark.slow
def test_the_trace_after_a_run_shows_the_model_and_tool_calls_folded_by_branch(
    editor: Editor, tmp_path: Path
) -> None:
    editor.edit(tmp_path / "main.py", TOOL_PROGRAM)
    editor.wait_client()
    editor.command("PlaygroundRun")
    editor.wait_console("result: 42")
    editor.wait_console("✔ ok")

    editor.command("PlaygroundTrace")
    # The whole trace, from the server (playground/trace/get), once the run is over.
    editor.wait(
        "require('lionagi_playground.trace').state.fetched",
        "the trace buffer to show the finished run's trace",
    )
    title = trace_lines(editor)[0]
    assert title.startswith("main.py · ")
    assert "· finished" in title
    assert editor.lua("return vim.api.nvim_get_current_buf()") == editor.lua(f"return {TRACE}")
    lines = trace_lines(editor)
    header = line_of(lines, "Branch calculator")
    model = line_of(lines, "model_end")
    tool = line_of(lines, "tool_start", "multiply")
    assert header < model
    assert header < tool
    assert "tok" in lines[model - 1]  # its tokens
    assert "calculator" in lines[tool - 1]  # its branch
    assert "6" in lines[tool - 1]
    assert "7" in lines[tool - 1]
    assert line_of(lines, "tool_end", "multiply") > tool

    # Folded by branch: the header starts a fold holding the branch's events.
    assert editor.lua(f"return vim.fn.foldlevel({header})") == 1
    assert editor.lua(f"return vim.fn.foldlevel({tool})") == 1
    editor.lua(f"vim.api.nvim_win_set_cursor(0, {{ {header}, 0 }})")
    editor.input("zc")
    editor.wait(f"vim.fn.foldclosed({tool}) == {header}", "the branch's fold to close")
    assert editor.lua(f"return vim.fn.foldclosedend({header})") >= max(model, tool)
    editor.input("<CR>")  # on a header, <CR> opens the fold again
    editor.wait(f"vim.fn.foldclosed({tool}) == -1", "the branch's fold to open")

    # <CR> on the tool call: its whole content (the arguments) in a split below.
    editor.lua(f"vim.api.nvim_win_set_cursor(0, {{ {tool}, 0 }})")
    editor.input("<CR>")
    item = "vim.fn.bufnr('playground://trace/event')"
    editor.wait(f"{item} ~= -1 and #vim.fn.win_findbuf({item}) > 0", "the event's split")
    shown = "\n".join(editor.lua(f"return vim.api.nvim_buf_get_lines({item}, 0, -1, false)"))
    assert "tool_start" in shown
    assert '"a"' in shown
    assert "6" in shown
    assert editor.lua(f"return vim.bo[{item}].modifiable") is False


@pytest.mark.slow
def test_the_trace_fills_live_while_the_run_goes(editor: Editor, tmp_path: Path) -> None:
    # The program waits for input after its model call: the trace is drawn before the run ends.
    waiting = TOOL_PROGRAM.replace(
        "asyncio.run(main())\n", "asyncio.run(main())\ninput('more? ')\n"
    )
    editor.edit(tmp_path / "main.py", waiting)
    editor.wait_client()
    editor.command("PlaygroundRun")
    editor.wait_console("more?")
    editor.command("PlaygroundTrace")
    editor.wait(
        f"#vim.tbl_filter(function(l) return l:find('tool_end', 1, true) ~= nil end,"
        f" vim.api.nvim_buf_get_lines({TRACE}, 0, -1, false)) > 0",
        "the tool call's end in the trace while the run waits",
    )
    assert "· running" in trace_lines(editor)[0]
    editor.command("PlaygroundInput no")
    editor.wait_console("✔ ok")
    editor.wait(
        "require('lionagi_playground.trace').state.fetched", "the whole trace after the run"
    )
    assert "· finished" in trace_lines(editor)[0]
    assert line_of(trace_lines(editor), "model_end") > line_of(trace_lines(editor), "Branch")


KEY = "sk-test-neovim-0123456789abcdef"
ANSWER = "Crisp leaves drift and fall"


@pytest.fixture
def stand_in() -> Iterator[FakeOpenAI]:
    """OpenAI's chat completions answered on 127.0.0.1 (no internet)."""
    with FakeOpenAI([ANSWER]) as model:
        yield model


@pytest.mark.slow
def test_keys_and_record_save_a_recording_that_a_run_without_keys_replays(
    tmp_path: Path, stand_in: FakeOpenAI
) -> None:
    base_url = stand_in.base_url
    editor = start_editor(tmp_path / "home", cmd=[*SERVER, "--allow-network"])
    try:
        editor.lua(
            "local options = require('lionagi_playground').options"
            f" options.keys = {{ OPENAI_API_KEY = {lua_string(KEY)} }} options.record = true"
        )
        editor.edit(tmp_path / "main.py", online_program(base_url))
        editor.wait_client()
        editor.command("PlaygroundRun")
        editor.wait_console(f"reply: {ANSWER}")
        editor.wait_console("✔ ok")
        assert stand_in.authorizations() == [f"Bearer {KEY}"]
        editor.wait_message("recorded 1 model call into")
        recording = (tmp_path / "main.recording.json").read_text()
        assert json.loads(recording)["format"] == "lionagi-playground-recording"
        assert KEY not in recording

        # Without keys: no network, the model's answer from the recording.
        editor.lua("require('lionagi_playground').options.keys = nil")
        editor.command("PlaygroundRun")
        editor.wait_console(f"reply: {ANSWER}")
        editor.wait_console("✔ ok")
        assert len(stand_in.received) == 1
        editor.command("PlaygroundTrace")
        editor.wait("require('lionagi_playground.trace').state.fetched", "the trace")
        assert "[recording]" in trace_lines(editor)[line_of(trace_lines(editor), "model_end") - 1]
    finally:
        stop_editor(editor)

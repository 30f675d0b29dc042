"""Lessons in a real Neovim 0.11: :PlaygroundLesson picks one with vim.ui.select, writes its
starter files into a folder of its own and opens the entry; :PlaygroundHint shows hints one at
a time; :PlaygroundCheck runs the learner's code with the lesson's check and shows the server's
verdict; :PlaygroundSolution shows the solution."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.neovim.harness import TIMEOUT, Editor

LESSON = "python-input"


def wait_for_a_prompt(editor: Editor, timeout: float = TIMEOUT) -> None:
    """Waits until Neovim waits for a key in a prompt (vim.ui.select's inputlist).

    While a prompt waits, Neovim answers only the API's fast calls: nvim_get_mode says mode
    `c` (the prompt reads a line) then, and is asked until it does."""
    deadline = time.monotonic() + timeout
    while editor.nvim.api.get_mode()["mode"] != "c":
        if time.monotonic() > deadline:
            raise AssertionError(f"no prompt after {timeout} s")
        time.sleep(0.02)


def lesson_index(editor: Editor, lesson: str) -> int:
    """The place of `lesson` in the server's list, which the picker shows in order."""
    editor.wait_client()
    ids = editor.lua(
        "local c = vim.lsp.get_clients({ name = 'lionagi_playground' })[1]"
        " local r = c:request_sync('playground/templates', vim.empty_dict(), 30000)"
        " return vim.tbl_map(function(t) return t.id end, r.result.templates)"
    )
    return int(ids.index(lesson)) + 1


def buffer_lines(editor: Editor, name_pattern: str) -> list[str]:
    lines = editor.lua(
        "for _, b in ipairs(vim.api.nvim_list_bufs()) do"
        " if vim.api.nvim_buf_get_name(b):find(..., 1, true) then"
        " return vim.api.nvim_buf_get_lines(b, 0, -1, false) end end return {}",
        name_pattern,
    )
    return [str(line) for line in lines]


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_lesson_from_the_picker_to_a_passing_check(editor: Editor, tmp_path: Path) -> None:
    editor.edit(tmp_path / "scratch.py", "\n")
    number = lesson_index(editor, LESSON)

    editor.command("PlaygroundLesson")
    wait_for_a_prompt(editor)
    editor.input(f"{number}<CR>")

    folder = editor.home / "lessons" / LESSON
    entry = folder / "main.py"
    editor.wait(
        f"vim.api.nvim_buf_get_name(0) == {str(entry)!r}", "the lesson's entry to be opened"
    )
    assert entry.read_text().startswith("# Ask for a name and an age")
    assert (folder / ".playground-lesson").read_text() == f"{LESSON}\n"
    panel = buffer_lines(editor, f"playground://lesson/{LESSON}")
    assert panel[0] == "# Reading input"
    assert any("The check types `Ada` and `36` for you." in line for line in panel)
    editor.wait_client()

    # Hints, one at a time, in the panel.
    editor.command("PlaygroundHint")
    editor.wait_message("hint 1/3: `name = input(")
    editor.command("PlaygroundHint")
    editor.wait_message("hint 2/3:")
    panel = buffer_lines(editor, f"playground://lesson/{LESSON}")
    assert [line for line in panel if line.startswith("**Hint")][:2] == [
        '**Hint 1/3.** `name = input("What is your name? ")`.',
        '**Hint 2/3.** `age = int(input("How old are you? "))`: without `int`, '
        "`age + 1` is an error.",
    ]

    # The starter does not pass.
    editor.command("PlaygroundCheck")
    editor.wait_console("✘ check failed")
    editor.wait_message("check failed")

    # The solution, copied into the (unsaved) entry, passes.
    editor.command("PlaygroundSolution")
    editor.wait(
        f"vim.api.nvim_buf_get_name(0):find('playground://solution/{LESSON}/main.py', 1, true)",
        "the solution's split",
    )
    editor.command("%yank")
    editor.command("wincmd p")
    editor.wait(f"vim.api.nvim_buf_get_name(0) == {str(entry)!r}", "the entry again")
    editor.command('%delete _ | put! " | $delete _')
    assert editor.lua("return vim.bo.modified")
    editor.command("PlaygroundCheck")
    editor.wait_console("Hello, Ada! Next year you will be 37.")
    editor.wait_console("✔ check passed: Passed: you read two lines")


@pytest.mark.slow
def test_reopening_a_lesson_keeps_the_work_and_bang_starts_over(
    editor: Editor, tmp_path: Path
) -> None:
    editor.edit(tmp_path / "scratch.py", "\n")
    editor.command(f"PlaygroundLesson {LESSON}")
    entry = editor.home / "lessons" / LESSON / "main.py"
    editor.wait(f"vim.api.nvim_buf_get_name(0) == {str(entry)!r}", "the lesson's entry")
    starter = entry.read_text()
    editor.command("normal! Goprint('my work')")
    editor.command("write")
    editor.command("bwipeout")

    editor.command(f"PlaygroundLesson {LESSON}")
    editor.wait_message('your work on "Reading input" is kept in')
    editor.wait(f"vim.api.nvim_buf_get_name(0) == {str(entry)!r}", "the lesson's entry")
    assert "print('my work')" in entry.read_text()

    editor.command("bwipeout")
    editor.command(f"PlaygroundLesson! {LESSON}")
    editor.wait_message("the starter files are in", count=2)
    editor.wait(f"vim.api.nvim_buf_get_name(0) == {str(entry)!r}", "the lesson's entry")
    assert entry.read_text() == starter

"""Judging a run against a lesson's check: what passes, and what a learner is told otherwise."""

from __future__ import annotations

import pytest

from lionagi_playground.server.lessons import Check, Expectation, judge
from lionagi_playground.server.lessons.check import normalise

LINES = Check(
    expect=(
        Expectation("pattern", r"draft: \S.*"),
        Expectation("line", "writer: 5 messages", why="two turns after the system prompt"),
        Expectation("contains", "critic"),
    ),
    success="well done",
)


def test_normalising_drops_what_a_terminal_does_not_show() -> None:
    raw = "\x1b[1;32mok\x1b[0m  \r\nnext\ttab \x1b]0;title\x07\n\n\n"
    assert normalise(raw) == "ok\nnext\ttab"
    assert normalise("") == ""


def test_expectations_pass_in_order_with_other_lines_between() -> None:
    output = "warming up\ndraft: leaves\nnoise\nwriter: 5 messages\ncritic: 3 messages\n"
    verdict = judge(LINES, output)
    assert verdict.passed
    assert verdict.message == "well done"
    assert verdict.expected is None
    assert verdict.actual is None


def test_a_missing_line_says_which_why_and_after_what() -> None:
    verdict = judge(LINES, "draft: leaves\nwriter: 3 messages\n")
    assert not verdict.passed
    assert verdict.message == (
        "Expected a line `writer: 5 messages` after a line matching `draft: \\S.*` "
        "(two turns after the system prompt)."
    )
    assert verdict.expected == "a line `writer: 5 messages`"
    assert verdict.actual == "draft: leaves\nwriter: 3 messages"


def test_a_line_out_of_order_is_called_too_early() -> None:
    verdict = judge(LINES, "writer: 5 messages\ndraft: leaves\ncritic\n")
    assert not verdict.passed
    assert "It comes too early" in verdict.message


def test_a_pattern_must_match_the_whole_line() -> None:
    check = Check(expect=(Expectation("pattern", r"minutes: \d+"),))
    assert judge(check, "minutes: 20\n").passed
    assert not judge(check, "minutes: 20.0\n").passed
    assert not judge(check, "total minutes: 20\n").passed


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("a\nB\nc\n", "Line 2 differs: expected `b`, got `B`."),
        ("a\nb\n", "The output stops after 2 lines; next expected `c`."),
        ("", "The output stops after 0 lines; next expected `a`."),
        ("a\nb\nc\nd\n", "Line 4 is one too many: `d`."),
    ],
)
def test_a_whole_output_check_points_at_the_first_difference(output: str, message: str) -> None:
    verdict = judge(Check(stdout="a\nb\nc\n"), output)
    assert not verdict.passed
    assert verdict.message == message
    assert verdict.expected == "a\nb\nc"
    assert verdict.actual == normalise(output)


def test_a_whole_output_ignores_trailing_blanks_and_windows_newlines() -> None:
    assert judge(Check(stdout="a\n  b\n"), "a   \r\n  b\r\n\r\n").passed


def test_the_exit_code_is_judged_first_with_the_error_s_last_line() -> None:
    stderr = "Traceback (most recent call last):\n  File \"main.py\"\nNameError: name 'x'\n"
    verdict = judge(LINES, "", exit_code=1, exit_given=True, stderr=stderr)
    assert not verdict.passed
    assert verdict.message == "The program exited with code 1, expected 0: NameError: name 'x'"
    stopped = judge(LINES, "", exit_code=None, exit_given=True)
    assert stopped.message.startswith("The program did not finish by itself")
    # Not sent: not judged (the output still is).
    assert not judge(LINES, "").passed
    assert judge(
        Check(expect=(Expectation("line", "x"),), exit_code=None), "x", exit_code=3, exit_given=True
    ).passed


def test_displays_are_required_by_mime_type() -> None:
    check = Check(expect=(Expectation("line", "plotted"),), displays=("image/png",))
    assert judge(check, "plotted\n", displays=["text/plain", "image/png"]).passed
    verdict = judge(check, "plotted\n", displays=[])
    assert not verdict.passed
    assert verdict.message.startswith("The program showed no image")
    assert (verdict.expected, verdict.actual) == ("image/png", "nothing shown")

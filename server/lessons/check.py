"""Judging a run of a learner's program against a lesson's check: passed, or what differs.

The client runs the program (`playground/run`, with the lesson's check stdin and files) and
sends what it saw; this module compares. Output is compared after normalising what a
terminal does not show: ANSI escape sequences, `\\r\\n`, spaces at the end of lines and empty
lines at the end. Checks are written for the offline lionagi model, so they look at the
*shape* of what lionagi returned (a count of messages, a tool's printed call, a field of the
right type), never at luck.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

ExpectationKind = Literal["line", "pattern", "contains"]

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@dataclass(frozen=True)
class Expectation:
    """One line the output must have, after the line the previous expectation matched."""

    kind: ExpectationKind
    value: str
    why: str | None = None
    """Said when the line is missing: what it shows about the program."""

    def matches(self, line: str) -> bool:
        if self.kind == "line":
            return line == self.value
        if self.kind == "contains":
            return self.value in line
        return re.fullmatch(self.value, line) is not None

    def describe(self) -> str:
        if self.kind == "line":
            return f"a line `{self.value}`"
        if self.kind == "contains":
            return f"a line containing `{self.value}`"
        return f"a line matching `{self.value}`"


@dataclass(frozen=True)
class Check:
    """What a lesson's program must do, and how the client runs it to find out."""

    expect: tuple[Expectation, ...] = ()
    stdout: str | None = None
    """The whole output, when it is deterministic (compared after normalising)."""
    exit_code: int | None = 0
    """The exit code the run must end with (None: not judged)."""
    displays: tuple[str, ...] = ()
    """MIME types the run must have shown (`playground/display`), e.g. `image/png`."""
    stdin: str | None = None
    """The whole stdin of the check run (None: none, end of file at once)."""
    entry: str | None = None
    """The file the check run starts: one of `files`, or None for the lesson's entry."""
    files: dict[str, str] = field(default_factory=dict)
    """Files added to the learner's for the check run (a small test that imports them)."""
    success: str = "Passed: the output is as expected."


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str
    expected: str | None = None
    actual: str | None = None


def normalise(output: str) -> str:
    """The output as a reader sees it: no escapes, no `\\r`, no trailing blanks or blank lines."""
    text = _ANSI.sub("", output).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


def judge(
    check: Check,
    stdout: str,
    *,
    exit_code: int | None = None,
    exit_given: bool = False,
    stderr: str = "",
    displays: Sequence[str] = (),
) -> Verdict:
    """Whether a run passes `check`; the first thing that differs otherwise.

    `exit_given` says the client sent an exit code (`exit_code` None: the run did not end by
    itself, e.g. a timeout). Exit code first (a crash explains missing output best), then
    the output, then the display items.
    """
    actual = normalise(stdout)
    if exit_given and check.exit_code is not None and exit_code != check.exit_code:
        return Verdict(False, _exit_message(exit_code, check.exit_code, stderr), actual=actual)
    if check.stdout is not None:
        verdict = _compare_whole(normalise(check.stdout), actual)
        if verdict is not None:
            return verdict
    verdict = _follow(check.expect, actual)
    if verdict is not None:
        return verdict
    for mime in check.displays:
        if mime not in displays:
            return Verdict(
                False,
                f"The program showed no {_shown_kind(mime)}: "
                "call plt.show() (or savefig) once the figure is drawn.",
                expected=mime,
                actual=", ".join(displays) or "nothing shown",
            )
    return Verdict(True, check.success)


def _exit_message(got: int | None, wanted: int, stderr: str) -> str:
    if got is None:
        return "The program did not finish by itself (stopped, timed out or killed)."
    last = next((line for line in reversed(normalise(stderr).split("\n")) if line.strip()), "")
    said = f": {last.strip()[:200]}" if last else ""
    return f"The program exited with code {got}, expected {wanted}{said}"


def _compare_whole(expected: str, actual: str) -> Verdict | None:
    if expected == actual:
        return None
    want, got = expected.split("\n"), actual.split("\n") if actual else []
    for number, (a, b) in enumerate(zip(want, got, strict=False), start=1):
        if a != b:
            message = f"Line {number} differs: expected `{a}`, got `{b}`."
            break
    else:
        if len(got) < len(want):
            message = f"The output stops after {len(got)} lines; next expected `{want[len(got)]}`."
        else:
            message = f"Line {len(want) + 1} is one too many: `{got[len(want)]}`."
    return Verdict(False, message, expected=expected, actual=actual)


def _follow(expectations: Sequence[Expectation], actual: str) -> Verdict | None:
    lines = actual.split("\n") if actual else []
    position = 0
    previous: Expectation | None = None
    for expectation in expectations:
        found = next(
            (i for i in range(position, len(lines)) if expectation.matches(lines[i])), None
        )
        if found is None:
            where = f" after {previous.describe()}" if previous is not None else ""
            why = f" ({expectation.why})" if expectation.why else ""
            earlier = position > 0 and any(expectation.matches(line) for line in lines[:position])
            order = " It comes too early: keep the order of the task." if earlier else ""
            return Verdict(
                False,
                f"Expected {expectation.describe()}{where}{why}.{order}",
                expected=expectation.describe(),
                actual=actual,
            )
        position = found + 1
        previous = expectation
    return None


def _shown_kind(mime: str) -> str:
    return "image" if mime.startswith("image/") else mime

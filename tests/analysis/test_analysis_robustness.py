"""analyze() on any text: never raises, never crashes a check, every span inside the document."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lionagi_playground.server.analysis.findings import Finding, Span
from lionagi_playground.server.analysis.pipeline import analyze
from lionagi_playground.server.analysis.source import split_lines

STDLIB = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"

PLAYGROUND_PROGRAM = (
    '''\
"""Ask two branches, compare the answers."""
import asyncio, os
from dataclasses import dataclass, field
from lionagi import Branch, iModel

@dataclass
class Answer:
    text: str
    tags: list[str] = field(default_factory=list)

def score(answer: Answer, words=[]) -> int:
    total = 0
    for word in answer.text.split():
        if word in words or len(word) > 7 and not word.isdigit():
            total += 1
        elif word == None:
            continue
    return total if total else -1

async def ask(branch: Branch, question: str) -> Answer:
    try:
        reply = await branch.communicate(f"Answer briefly: {question!r:>10}")
    except:
        reply = f"no answer"
    match reply:
        case str() as text if text:
            return Answer(text, [t for t in text.split() if t.startswith("#")])
        case _:
            return Answer("", [])

async def main() -> None:
    model = iModel(provider="openai", model="gpt-4.1-mini")
    branches = [Branch(chat_model=model, system="Be \\d terse") for _ in range(2)]
    answers = await asyncio.gather(*(ask(b, "What is 2+2?") for b in branches))
    best = max(answers, key=lambda a: score(a))
    print(best.text, eval("1 + 1"), sep="\\t")'''
    + "   \n\nasyncio.run(main())\n"
)

_TOKENS = [
    "def ",
    "async ",
    "await ",
    "class ",
    "lambda",
    ":",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "'",
    '"',
    '"""',
    "f'",
    "r'",
    "\\",
    "#",
    "=",
    "==",
    " None",
    "if ",
    "else",
    "for ",
    " in ",
    "import ",
    "from ",
    "x",
    "y",
    "é",
    "😀",
    "1",
    " ",
    "    ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\x00",
    "\u2028",
    "\udcff",
    "return ",
    "yield ",
    "except",
    "try:",
    "*",
    "**",
    "->",
    "@",
    ";",
]


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def no_check_crashes() -> Iterator[None]:
    """Fail if any check logged an exception: the pipeline would hide the crash otherwise."""
    handler = _Errors()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    assert handler.records == [], [record.getMessage() for record in handler.records]


def assert_sound(text: str, findings: tuple[Finding, ...]) -> None:
    lines = split_lines(text)

    def inside(span: Span) -> bool:
        return (
            0 <= span.line <= span.end_line < len(lines)
            and 0 <= span.col <= len(lines[span.line])
            and 0 <= span.end_col <= len(lines[span.end_line])
            and (span.line, span.col) <= (span.end_line, span.end_col)
        )

    for finding in findings:
        assert inside(finding.span), (finding, text)
        assert finding.code
        assert finding.message
        assert "\n" not in finding.message
        for fix in finding.fixes:
            edits = sorted(fix.edits, key=lambda edit: (edit.span.line, edit.span.col))
            assert all(inside(edit.span) for edit in edits), (fix, text)
            for before, after in pairwise(edits):
                assert (before.span.end_line, before.span.end_col) <= (
                    after.span.line,
                    after.span.col,
                )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text(text: str) -> None:
    with no_check_crashes():
        assert_sound(text, analyze(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join))
def test_python_like_text(text: str) -> None:
    with no_check_crashes():
        assert_sound(text, analyze(text))


def test_every_prefix_of_a_real_program() -> None:
    # What an editor sends while someone types the program from the top.
    findings = analyze(PLAYGROUND_PROGRAM)
    assert {"F401", "B006", "E711", "E722", "F541", "W605", "S307", "W291"} <= {
        finding.code for finding in findings
    }
    with no_check_crashes():
        for end in range(len(PLAYGROUND_PROGRAM) + 1):
            prefix = PLAYGROUND_PROGRAM[:end]
            assert_sound(prefix, analyze(prefix))


def test_every_line_prefix_of_a_stdlib_module() -> None:
    lines = (STDLIB / "argparse.py").read_text(encoding="utf-8").splitlines(keepends=True)
    with no_check_crashes():
        for end in range(0, len(lines), 25):
            text = "".join(lines[:end])
            assert_sound(text, analyze(text))


def five_megabytes_of_python() -> tuple[str, str]:
    module = (STDLIB / "argparse.py").read_text(encoding="utf-8")
    return module, module * (5_000_000 // len(module) + 1)


@pytest.mark.slow
def test_five_megabyte_file() -> None:
    module, text = five_megabytes_of_python()
    with no_check_crashes():
        findings = analyze(text)
    assert_sound(text, findings)
    # Every copy redefines the previous one's functions: pyflakes ran to the end.
    last_line = max(finding.span.line for finding in findings if finding.code == "F811")
    assert last_line > len(split_lines(text)) - len(split_lines(module))


@pytest.mark.slow
def test_five_megabyte_file_with_a_syntax_error_at_the_end() -> None:
    _, text = five_megabytes_of_python()
    [finding] = analyze(text + "def broken(:\n")
    assert (finding.code, finding.span.line) == ("E999", len(split_lines(text)) - 1)

"""analyze(): every check over one parse, in document order, one crashing check never fatal."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import pytest

from lionagi_playground.server.analysis import pipeline
from lionagi_playground.server.analysis.findings import Finding, Severity, Span
from lionagi_playground.server.analysis.source import Source

if TYPE_CHECKING:
    from lionagi_playground.server.knowledge import Knowledge

PROGRAM = (
    """\
import os
import subprocess

def report(items=[]):
    if items == None:
        return eval("[]")
    subprocess.run("ls", shell=True)
"""
    + "    return items   \n"
)


@dataclass(frozen=True)
class FakeKnowledge:
    fingerprint: str = "lionagi-0.36"


def knowledge() -> Knowledge:
    return cast("Knowledge", FakeKnowledge())


def test_every_check_contributes_in_document_order() -> None:
    findings = pipeline.analyze(PROGRAM)
    assert [(f.span.line, f.source, f.code) for f in findings] == [
        (0, "pyflakes", "F401"),
        (3, "style", "B006"),
        (4, "style", "E711"),
        (5, "security", "S307"),
        (6, "security", "S602"),
        (7, "style", "W291"),
    ]


def test_complexity_is_part_of_the_analysis() -> None:
    text = "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
    assert [f.code for f in pipeline.analyze(text)] == ["C901"]


def test_a_syntax_error_silences_the_checks_that_need_the_ast() -> None:
    findings = pipeline.analyze(PROGRAM + "def broken(:\n")
    assert [(f.code, f.span.line) for f in findings] == [("E999", 8)]


def test_misplaced_await_is_reported_with_the_other_findings() -> None:
    findings = pipeline.analyze("import os\nawait main()\n")
    assert [f.code for f in findings] == ["F401", "PLE1142", "F821"]


def test_a_crashing_check_is_logged_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def crash(source: Source) -> list[Finding]:
        raise RuntimeError("rule bug")

    monkeypatch.setattr(pipeline, "TREE_CHECKS", (("broken", crash), *pipeline.TREE_CHECKS))
    with caplog.at_level(logging.ERROR):
        findings = pipeline.analyze(PROGRAM)
    assert len(findings) == 6
    [record] = caplog.records
    assert "'broken'" in record.getMessage()
    assert record.exc_info is not None


class Rules:
    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self.findings = list(findings)
        self.calls: list[tuple[Source, Knowledge]] = []

    def check(self, source: Source, knowledge: Knowledge) -> Iterator[Finding]:
        self.calls.append((source, knowledge))
        yield from self.findings


LION = Finding(Span(1, 0, 1, 2), Severity.WARNING, "lionagi", "LION101", "lionagi says")


def test_lionagi_rules_run_only_with_knowledge(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = Rules([LION])
    monkeypatch.setattr(pipeline, "_lionagi_rules", lambda: rules)
    assert LION not in pipeline.analyze("x = 1\ny = 2\n")
    assert rules.calls == []
    given = knowledge()
    findings = pipeline.analyze("x = 1\ny = 2\n", given, "main.py")
    assert findings == (LION,)
    [(source, passed)] = rules.calls
    assert (source.text, source.filename, passed) == ("x = 1\ny = 2\n", "main.py", given)


def test_lionagi_rules_failing_midway_cost_only_themselves(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Failing(Rules):
        def check(self, source: Source, knowledge: Knowledge) -> Iterator[Finding]:
            yield LION
            raise KeyError("half way")

    monkeypatch.setattr(pipeline, "_lionagi_rules", Failing)
    with caplog.at_level(logging.ERROR):
        findings = pipeline.analyze("import os\n", knowledge())
    assert [f.code for f in findings] == ["F401"]
    assert "'lionagi'" in caplog.records[0].getMessage()


def test_missing_lionagi_rules_module_is_quietly_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    missing = "lionagi_playground.server.analysis.no_such_rules"
    monkeypatch.setattr(pipeline, "_LIONAGI_RULES", missing)
    with caplog.at_level(logging.ERROR):
        assert pipeline._lionagi_rules.__wrapped__() is None
    assert caplog.records == []


def test_broken_lionagi_rules_module_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_import(name: str) -> object:
        raise ModuleNotFoundError("No module named 'somedependency'", name="somedependency")

    monkeypatch.setattr(importlib, "import_module", broken_import)
    with caplog.at_level(logging.ERROR):
        assert pipeline._lionagi_rules.__wrapped__() is None
    assert "could not be imported" in caplog.records[0].getMessage()


def test_findings_are_a_sorted_tuple() -> None:
    findings = pipeline.analyze("import os, sys\nx == None  \n")
    assert isinstance(findings, tuple)
    keys = [(f.span.line, f.span.col, f.span.end_line, f.span.end_col) for f in findings]
    assert keys == sorted(keys)
    assert [f.code for f in findings] == ["F401", "F401", "F821", "E711", "W291"]


def test_past_the_full_analysis_limit_only_syntax_is_checked() -> None:
    text = "import os\nprint(undefined_name)\n"
    full = pipeline.analyze(text, full_analysis_limit=len(text))
    assert {f.code for f in full} == {"F401", "F821"}

    limited = pipeline.analyze(text, full_analysis_limit=len(text) - 1)
    assert [(f.source, f.code) for f in limited] == [("playground", "large-file")]
    assert f"{len(text):,} characters" in limited[0].message

    broken = pipeline.analyze(text + "def f(:\n", full_analysis_limit=10)
    assert {f.code for f in broken} == {"E999", "large-file"}

"""pyflakes findings: stable codes, severities, and spans that cover the name concerned."""

from __future__ import annotations

import logging

import pytest

from lionagi_playground.server.analysis import flakes, flakes_fixes
from lionagi_playground.server.analysis.findings import Finding, Severity, Span
from lionagi_playground.server.analysis.source import Source

W, E = Severity.WARNING, Severity.ERROR


def check(text: str) -> list[Finding]:
    return flakes.check(Source(text))


@pytest.mark.parametrize(
    ("text", "code", "severity", "line", "covered"),
    [
        ("import os\n", "F401", W, 0, "os"),
        ("from a.b import c as d\n", "F401", W, 0, "c as d"),
        ("import os\nfor os in []:\n    pass\n", "F402", W, 1, "os"),
        ("from os import *\n", "F403", W, 0, "from os import *"),
        (
            "x = 1\nfrom __future__ import annotations\n",
            "F404",
            E,
            1,
            "from __future__ import annotations",
        ),
        ("from os import *\nprint(path)\n", "F405", W, 1, "path"),
        ("def f():\n    from os import *\n", "F406", E, 1, "from os import *"),
        ("from __future__ import braces\n", "F407", E, 0, "from __future__ import braces"),
        ("'%s %s' % (1,)\n", "F507", W, 0, "'%s %s' % (1,)"),
        ("'{} {}'.format(1)\n", "F524", W, 0, "'{} {}'.format(1)"),
        ("x = f'abc'\n", "F541", W, 0, "f'abc'"),
        ("d = {1: 2, 1: 3}\n", "F601", W, 0, "1"),
        ("a, *b, *c = range(9)\n", "F622", E, 0, "a, *b, *c = range(9)"),
        ("assert (1, 'message')\n", "F631", W, 0, "assert (1, 'message')"),
        ("x = 1\nif x is 'a':\n    pass\n", "F632", W, 1, "x is 'a'"),
        ("if (1,):\n    pass\n", "F634", W, 0, "if (1,):"),
        ("return 1\n", "F706", E, 0, "return 1"),
        ("class A:\n    yield 1\n", "F704", E, 1, "yield 1"),
        (
            "try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n",
            "F707",
            E,
            2,
            "except:",
        ),
        ("def f():\n    pass\ndef f():\n    pass\n", "F811", W, 2, "f"),
        ("print(undefined_name)\n", "F821", E, 0, "undefined_name"),
        ("__all__ = ['missing']\n", "F822", E, 0, "missing"),
        ("x = 1\ndef f():\n    print(x)\n    x = 2\n", "F823", E, 2, "x"),
        ("def f(a, a):\n    pass\n", "F831", E, 0, "a"),
        ("def f():\n    x = 1\n", "F841", W, 1, "x"),
        ("def f():\n    x: int = 1\n", "F841", W, 1, "x"),
        ("def f():\n    x: int\n", "F842", W, 1, "x"),
        ("raise NotImplemented\n", "F901", W, 0, "raise NotImplemented"),
        ("def f():\n    global g\n", "PLW0602", W, 1, "g"),
    ],
)
def test_message_code_severity_and_span(
    text: str, code: str, severity: Severity, line: int, covered: str
) -> None:
    source = Source(text)
    findings = [finding for finding in flakes.check(source) if finding.code == code]
    assert findings, f"no {code} in {[(f.code, f.message) for f in flakes.check(source)]}"
    finding = findings[0]
    assert finding.severity == severity
    assert finding.source == "pyflakes"
    assert finding.span.line == line
    assert source.segment(finding.span) == covered


def test_unused_names_are_rendered_faded() -> None:
    findings = check("import os\ndef f():\n    x = 1\n    y: int\n")
    assert {finding.code: finding.unnecessary for finding in findings} == {
        "F401": True,
        "F841": True,
        "F842": True,
    }
    assert not check("print(undefined)\n")[0].unnecessary


def test_span_counts_code_points() -> None:
    [finding] = check("é = 'ü'; print(ñame)\n")
    assert finding.span == Span(0, 15, 0, 19)


def test_module_level_await_is_left_to_the_syntax_check() -> None:
    # pyflakes alone says "'yield' outside function" and ignores the names inside.
    assert check("import asyncio\nawait asyncio.sleep(1)\n") == []
    [finding] = check("await undefined()\n")
    assert finding.code == "F821"


def test_pyflakes_messages_are_kept() -> None:
    [finding] = check("import os\n")
    assert finding.message == "'os' imported but unused"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "import os\nprint(os.getcwd())\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\n"
        "def f(x: 'os.PathLike'): ...\n",
        "async def main():\n    async for chunk in stream():\n        print(chunk)\n"
        "def stream(): ...\n",
        "def f():\n    try:\n        pass\n    except ValueError as error:\n"
        "        raise RuntimeError() from error\n",
        "__all__ = ['f']\ndef f():\n    return f'{1}'\n",
    ],
)
def test_correct_programs_have_no_findings(text: str) -> None:
    assert check(text) == []


def test_code_nested_beyond_the_recursion_limit_is_skipped_quietly() -> None:
    text = "x = " + "1+" * 2000 + "1\n"
    assert Source(text).tree is not None  # the parser copes; pyflakes recurses per level
    assert check(text) == []


def test_syntax_errors_give_no_pyflakes_findings() -> None:
    assert check("import os\ndef f(:\n") == []


def test_a_crashing_fix_costs_the_fix_not_the_finding(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise IndexError("fix bug")

    monkeypatch.setattr(flakes_fixes, "remove_import", broken)
    with caplog.at_level(logging.ERROR):
        [finding] = check("import os\n")
    assert (finding.code, finding.fixes) == ("F401", ())
    assert finding.span == Span(0, 7, 0, 9)  # still on the name, found the other way
    assert "no quick fix for F401" in caplog.records[0].getMessage()

"""Style checks: long lines, trailing spaces, == None, bare except, mutable defaults, escapes."""

from __future__ import annotations

import pytest

from lionagi_playground.server.analysis import style
from lionagi_playground.server.analysis.findings import Finding, Severity, Span
from lionagi_playground.server.analysis.source import Source

LIMIT = style.MAX_LINE_LENGTH
HINT, INFO = Severity.HINT, Severity.INFORMATION


def check(text: str) -> list[Finding]:
    return style.check(Source(text))


@pytest.mark.parametrize(
    ("text", "code", "severity", "span"),
    [
        ("x = 1  \n", "W291", HINT, Span(0, 5, 0, 7)),
        ("x = 1\n\t\ny = 2\n", "W293", HINT, Span(1, 0, 1, 1)),
        ("y = [" + "1, " * 60 + "]\n", "E501", HINT, Span(0, LIMIT, 0, 186)),
        ("if x == None:\n    pass\n", "E711", INFO, Span(0, 3, 0, 12)),
        ("y = None != x\n", "E711", INFO, Span(0, 4, 0, 13)),
        ("try:\n    pass\nexcept:\n    pass\n", "E722", INFO, Span(2, 0, 2, 6)),
        ("def f(x=[]):\n    pass\n", "B006", INFO, Span(0, 8, 0, 10)),
        ("def f(*, x={}):\n    pass\n", "B006", INFO, Span(0, 11, 0, 13)),
        ("async def f(x=set()):\n    pass\n", "B006", INFO, Span(0, 14, 0, 19)),
        (
            "import collections\ndef f(x=collections.defaultdict(list)):\n    pass\n",
            "B006",
            INFO,
            Span(1, 8, 1, 37),
        ),
        ("g = lambda x=[i for i in y]: x\n", "B006", INFO, Span(0, 13, 0, 27)),
        ("x = '\\d'\n", "W605", INFO, Span(0, 5, 0, 7)),
        ("x = 'é\\d'\n", "W605", INFO, Span(0, 6, 0, 8)),
        ("x = '''\nok \\w\n'''\n", "W605", INFO, Span(1, 3, 1, 5)),
        ("x = b'\\u1234'\n", "W605", INFO, Span(0, 6, 0, 8)),  # no \\u in bytes
        ("x = f'{y!r:>10}\\.'\n", "W605", INFO, Span(0, 15, 0, 17)),
    ],
)
def test_finding(text: str, code: str, severity: Severity, span: Span) -> None:
    findings = check(text)
    assert [(f.code, f.severity, f.span) for f in findings] == [(code, severity, span)]
    assert findings[0].source == "style"


@pytest.mark.parametrize(
    "text",
    [
        "x = 1\n",
        "x = 1\r\ny = 2\r\n",
        'doc = """trailing   \n   \nspaces are part of the value"""\n',
        "s = '\\\\d \\n \\t \\x41 \\u00e9 \\N{EM DASH} \\0 \\\\'\n",
        "s = r'\\d' + rb'\\q' + Rf'{x}\\w'\n",
        "s = 'a \\\n  continued'\n",
        "y = x is None or x is not None\n",
        "y = x == 0\n",
        "try:\n    pass\nexcept Exception:\n    pass\n",
        "def f(x=None, y=(), z=frozenset(), *, w='s'):\n    pass\n",
        "prompt = '" + "word " * 40 + "'\n",  # a long prompt is not a style problem
        "# see https://example.com/" + "a" * 150 + "\n",  # nor is a long URL
    ],
)
def test_clean_code_has_no_findings(text: str) -> None:
    assert check(text) == []


def test_long_line_in_code_is_reported_with_its_length() -> None:
    line = "result = compute(" + ", ".join(f"argument_{index}" for index in range(12)) + ")"
    [finding] = check(line + "\n")
    assert finding.message == f"line too long ({len(line)} > {LIMIT} characters)"


def test_long_line_limit_is_inclusive() -> None:
    assert check("x = '" + "a b " * 100 + "'\ny = (" + "1 + " * ((LIMIT - 6) // 4) + "1)\n") == []


def test_style_needs_a_parse() -> None:
    assert check("x = 1   \ndef f(:\n") == [], "only the syntax error matters while it lasts"


def test_each_finding_on_its_own_line_and_code() -> None:
    text = "def f(a=[], b={}):\n    if a == None or b != None:\n        pass   \n"
    assert sorted((f.span.line, f.code) for f in check(text)) == [
        (0, "B006"),
        (0, "B006"),
        (1, "E711"),
        (1, "E711"),
        (2, "W291"),
    ]


def test_only_behaviour_preserving_fixes_are_preferred() -> None:
    text = "try:\n    x = '\\d' == None   \nexcept:\n    pass\n"
    preferred = {f.code: f.fixes[0].preferred for f in check(text) if f.fixes}
    assert preferred == {"W605": True, "E711": True, "W291": True, "E722": False}

"""The syntax check: one parse error where Python puts it, misplaced `await`/`async`, no crash."""

from __future__ import annotations

import pytest

from lionagi_playground.server.analysis import syntax
from lionagi_playground.server.analysis.findings import Finding, Severity, Span
from lionagi_playground.server.analysis.source import Source


def check(text: str) -> list[Finding]:
    return syntax.check(Source(text))


@pytest.mark.parametrize(
    ("text", "span", "message"),
    [
        ("(", Span(0, 0, 0, 1), "'(' was never closed"),
        ("x = 1\ny = (1,\n", Span(1, 4, 1, 5), "'(' was never closed"),
        ("é = ((\n", Span(0, 5, 0, 6), "'(' was never closed"),  # code points, not bytes
        ("s = 'héllo' +* 2\n", Span(0, 13, 0, 14), "invalid syntax"),
        ("def f(:\n    pass\n", Span(0, 6, 0, 7), "invalid syntax"),
        ("x = 'abc\n", Span(0, 4, 0, 5), "unterminated string literal (detected at line 1)"),
        ("x\r\ny = (", Span(1, 4, 1, 5), "'(' was never closed"),
        ("x = 1 # \u2028\ny = (", Span(1, 4, 1, 5), "'(' was never closed"),
    ],
)
def test_syntax_error_position(text: str, span: Span, message: str) -> None:
    [finding] = check(text)
    assert (finding.code, finding.severity, finding.source) == ("E999", Severity.ERROR, "syntax")
    assert finding.span == span
    assert finding.message == message


def test_indentation_error() -> None:
    [finding] = check("if x:\npass\n")
    assert finding.span.line == 1
    assert finding.message.startswith("expected an indented block")


def test_print_statement_names_the_fix() -> None:
    [finding] = check("print 'hi'\n")
    assert "Did you mean print(...)" in finding.message
    assert finding.span == Span(0, 0, 0, 10)


@pytest.mark.parametrize(
    ("text", "line", "message_start"),
    [
        ("x = 1\nab\x00cd\n", 1, "source code string cannot contain null bytes"),
        ("x = 1\ny = '\udcff'\n", 1, "invalid character"),
        ("x = " + "(" * 300 + "1" + ")" * 300, 0, "too many nested parentheses"),
        ("x = " + "-" * 200_000 + "1", 0, "code nested too deeply to analyze"),
        ("x = " + "1+" * 100_000 + "1", 0, "code nested too deeply to analyze"),
        ("\ufeffx = 1", 0, "invalid non-printable character U+FEFF"),
    ],
)
def test_hostile_text_is_one_error_not_a_crash(text: str, line: int, message_start: str) -> None:
    [finding] = check(text)
    assert finding.code == "E999"
    assert finding.span.line == line
    assert finding.message.startswith(message_start)


def test_null_byte_is_located() -> None:
    [finding] = check("x = 1\nab\x00cd\n")
    assert finding.span == Span(1, 2, 1, 3)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "x = 1",
        "async def main():\n    await f()\n    async for x in g():\n        pass\n",
        "async def main():\n    async with lock:\n        return [await x for x in y]\n",
        "async def f():\n    @decorate(await g())\n    def inner():\n        pass\n",
        "return_value = 1\nyield_ = 2\n",
        "def f():\n    return lambda: 1\n",
    ],
)
def test_correct_programs_have_no_findings(text: str) -> None:
    assert check(text) == []


@pytest.mark.parametrize(
    ("text", "span", "message"),
    [
        ("await f()\n", Span(0, 0, 0, 5), "'await' outside function: put the code in"),
        ("def f():\n    await g()\n", Span(1, 4, 1, 9), "'await' outside async function"),
        (
            "async def f():\n    def g():\n        await h()\n",
            Span(2, 8, 2, 13),
            "'await' outside async function",
        ),
        (
            "async def f():\n    return lambda: await g()\n",
            Span(1, 19, 1, 24),
            "'await' outside async",
        ),
        ("class A:\n    x = await f()\n", Span(1, 8, 1, 13), "'await' outside function"),
        ("async for x in y:\n    pass\n", Span(0, 0, 0, 5), "'async for' outside function"),
        (
            "def f():\n    async with x:\n        pass\n",
            Span(1, 4, 1, 9),
            "'async with' outside async",
        ),
        ("def f(x=await g()):\n    pass\n", Span(0, 8, 0, 13), "'await' outside function"),
    ],
)
def test_misplaced_await(text: str, span: Span, message: str) -> None:
    [finding] = check(text)
    assert (finding.code, finding.severity) == ("PLE1142", Severity.ERROR)
    assert finding.span == span
    assert finding.message.startswith(message)
    with pytest.raises(SyntaxError):
        compile(text, "<test>", "exec")  # Python agrees it cannot run

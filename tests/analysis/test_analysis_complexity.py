"""Cyclomatic complexity: radon's numbers, a warning on the function name above the threshold."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from radon.complexity import add_inner_blocks, cc_visit_ast

from lionagi_playground.server.analysis import complexity
from lionagi_playground.server.analysis.findings import Severity, Span
from lionagi_playground.server.analysis.source import Source

STDLIB = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"


def branches(count: int, indent: str = "    ") -> str:
    return "".join(
        f"{indent}if x == {index}:\n{indent}    return {index}\n" for index in range(count)
    )


def totals(text: str) -> dict[str, int]:
    return {
        function.name: total for function, total in complexity.complexities(Source(text)).items()
    }


def test_threshold_is_exclusive() -> None:
    at_limit = "def f(x):\n" + branches(complexity.THRESHOLD - 1)
    over = "def g(x):\n" + branches(complexity.THRESHOLD)
    assert totals(at_limit) == {"f": complexity.THRESHOLD}
    assert complexity.check(Source(at_limit)) == []
    [finding] = complexity.check(Source(over))
    assert (finding.code, finding.source, finding.severity) == ("C901", "radon", Severity.WARNING)
    assert finding.span == Span(0, 4, 0, 5)
    assert finding.message == "function 'g' is too complex (11 > 10)"


def test_methods_and_nested_functions_are_checked_on_their_own() -> None:
    text = (
        "class A:\n"
        "    @property\n"
        "    async def method(self, x):\n" + branches(11, "        ") + "def outer(x):\n"
        "    def inner(x):\n" + branches(11, "        ") + "    return inner\n"
    )
    findings = sorted(complexity.check(Source(text)), key=lambda finding: finding.span.line)
    assert sorted((f.span.line, f.message) for f in findings) == [
        (2, "function 'method' is too complex (12 > 10)"),
        (26, "function 'inner' is too complex (12 > 10)"),
    ]
    assert findings[0].span == Span(2, 14, 2, 20)  # after `async def`, not on the decorator


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("    return 1\n", 1),
        ("    return a and b or c\n", 3),
        ("    return [y for y in x if y if not y]\n", 4),
        ("    return 1 if x else 2\n", 2),
        ("    for y in x:\n        pass\n    else:\n        pass\n", 3),
        ("    while x:\n        pass\n", 2),
        ("    try:\n        pass\n    except A:\n        pass\n    except B:\n        pass\n", 3),
        ("    match x:\n        case 1:\n            pass\n        case _:\n            pass\n", 2),
        ("    assert x and y, 'both'\n", 2),  # radon: an assert is 1, whatever it holds
        ("    return lambda: 1 if x else 2\n", 2),  # a lambda counts for its function
        ("    def inner():\n        if x:\n            pass\n", 1),  # a nested def does not
        ("    class Inner:\n        y = 1 if x else 2\n", 1),  # nor a nested class
    ],
)
def test_decision_points(body: str, expected: int) -> None:
    assert totals("def f(x):\n" + body)["f"] == expected


def test_decorators_and_defaults_count_for_nobody() -> None:
    text = "def outer():\n    @deco(1 if a else 2)\n    def inner(y=3 if b else 4):\n        pass\n"
    assert totals(text) == {"outer": 1, "inner": 1}


@pytest.mark.parametrize(
    "module",
    ["argparse.py", "inspect.py", "asyncio/base_events.py", "email/_header_value_parser.py"],
)
def test_same_numbers_as_radon(module: str) -> None:
    text = (STDLIB / module).read_text(encoding="utf-8")
    ours = {
        (function.lineno, function.col_offset): total
        for function, total in complexity.complexities(Source(text)).items()
    }
    theirs = {
        (block.lineno, block.col_offset): block.complexity
        for block in add_inner_blocks(cc_visit_ast(ast.parse(text)))
        if not hasattr(block, "methods")  # classes
    }
    assert len(theirs) > 50
    assert {at: ours.get(at) for at in theirs} == theirs


def test_no_functions_no_findings() -> None:
    assert complexity.check(Source("x = 1 if y else 2\n" * 50)) == []

"""Where snippets fit, the imports they add, and bad snippet data failing loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from lionagi_playground.server.lessons import LessonDataError
from lionagi_playground.server.lessons.snippets import (
    at_statement_start,
    import_line,
    inside_async_def,
    load_snippets,
    missing_imports,
)

CODE = [
    "import asyncio",  # 0
    "",
    "async def main():",  # 2
    "    x = foo(",
    "        a,",
    "    )",  # 5
    "    if x:",
    "        br",
    "    y = '''",
    "    br",
    "'''",  # 10
    "x = 1 + \\",
    "    br",
    "br",
    "def f():",
    "    for i in x:",  # 15
    "        br",
    "print(br",
]


@pytest.mark.parametrize(
    ("line", "column", "start", "in_async"),
    [
        (0, 0, True, False),
        (3, 5, True, True),  # "    x": a statement starts here
        (4, 8, False, True),  # inside foo(
        (6, 4, True, True),
        (7, 10, True, True),  # inside `if` inside `async def`
        (9, 6, False, False),  # inside a string
        (12, 6, False, False),  # a continued line
        (13, 2, True, False),
        (16, 10, True, False),  # in a plain def
        (17, 8, False, False),  # an argument
        (3, 9, False, True),  # "    x = f": an expression
    ],
)
def test_where_a_statement_may_start(line: int, column: int, start: bool, in_async: bool) -> None:
    assert at_statement_start(CODE, line, column) is start
    if start:
        assert inside_async_def(CODE, line, column) is in_async


def test_out_of_range_is_no_place() -> None:
    assert not at_statement_start(CODE, 99, 0)
    assert not at_statement_start(CODE, -1, 0)


def test_missing_imports_names_only_what_is_missing() -> None:
    text = "import asyncio\nfrom lionagi import (\n    Branch,\n)\n"
    wanted = ("from lionagi import Branch, iModel", "import asyncio", "import json")
    assert missing_imports(text, wanted) == ["from lionagi import iModel", "import json"]
    assert missing_imports("from lionagi import Branch, iModel\n", wanted[:1]) == []


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["x = 1"], 0),
        (["import a", "from b import c", "", "x = 1"], 2),
        (['"""Doc.', 'more"""', "", "x = 1"], 2),
        (['"""Doc."""', "from __future__ import annotations", "", "import os", "", "y = 2"], 4),
        (["# a comment", "from x import (", "    a,", ")", "y = 1"], 4),
    ],
)
def test_imports_go_after_the_leading_imports(lines: list[str], expected: int) -> None:
    assert import_line(lines) == expected


def test_the_shipped_snippets_load() -> None:
    prefixes = [snippet.prefix for snippet in load_snippets()]
    assert {"branch", "operate", "tool", "react"} <= set(prefixes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[snippet]]\nprefix = 'x'\n", "label must be non-empty text"),
        ("[[snippet]]\nprefix='x'\nlabel='x'\ndescription='x'\nbody='await f()'\n", "needs_async"),
        (
            "[[snippet]]\nprefix='x'\nlabel='x'\ndescription='x'\nbody='b'\nimports=['os']\n",
            "imports must be import statements",
        ),
        ("[[snippet]]\nprefix='x'\nlabel='x'\ndescription='x'\nbody='b'\nextra=1\n", "a table of"),
        ("title = 'x'\n", "expected [[snippet]] tables only"),
        ("[[snippet]\n", "snippets.toml: "),
        (
            "[[snippet]]\nprefix='x'\nlabel='x'\ndescription='x'\nbody='b'\n" * 2,
            "two snippets share a prefix",
        ),
    ],
)
def test_bad_snippet_data_fails_loudly(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "snippets.toml"
    path.write_text(text)
    with pytest.raises(LessonDataError, match=message.replace("[", r"\[")):
        load_snippets(path)

"""Every quick fix, applied to the text: the finding goes away and the result still parses."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterable

import pytest

from lionagi_playground.server.analysis import flakes, style
from lionagi_playground.server.analysis.edits import apply_edits
from lionagi_playground.server.analysis.findings import Edit, Finding, Span
from lionagi_playground.server.analysis.source import Source

Check = Callable[[Source], Iterable[Finding]]


def test_apply_edits_applies_fixes_as_an_editor_does() -> None:
    edits = [
        Edit(Span(1, 0, 1, 1), "B"),
        Edit(Span(0, 1, 0, 1), "+"),
        Edit(Span(2, 0, 3, 0), ""),
    ]
    assert apply_edits("ab\r\nbc\ncd\nde", edits) == "a+b\r\nBc\nde"


def only(findings: Iterable[Finding], code: str) -> list[Finding]:
    return [finding for finding in findings if finding.code == code]


def fixed(check: Check, text: str, code: str, which: int = 0) -> str:
    """The text after applying the first fix of the `which`-th finding with `code`."""
    findings = only(check(Source(text)), code)
    assert len(findings) > which, f"no {code} finding #{which} in {text!r}"
    fixes = findings[which].fixes
    assert fixes, f"{code} has no fix in {text!r}"
    return apply_edits(text, fixes[0].edits)


def parse(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # other invalid escapes may stay: only parsing matters
        ast.parse(text)


def assert_fix(check: Check, text: str, code: str, expected: str, which: int = 0) -> None:
    after = fixed(check, text, code, which)
    assert after == expected
    parse(after)
    remaining = len(only(check(Source(after)), code))
    assert remaining == len(only(check(Source(text)), code)) - 1


# -- F401: unused import ------------------------------------------------------------------------

UNUSED_IMPORTS = [
    ("import os\nx = 1\n", "x = 1\n"),
    ("x = 1\nimport os", "x = 1\n"),
    ("import os  # a comment\nx = 1\n", "x = 1\n"),
    ("import os, sys\nsys.exit()\n", "import sys\nsys.exit()\n"),
    ("import sys, os\nsys.exit()\n", "import sys\nsys.exit()\n"),
    ("import os.path\nx = 1\n", "x = 1\n"),
    ("import numpy as np\nx = 1\n", "x = 1\n"),
    ("from a.b import c as d, e\ne()\n", "from a.b import e\ne()\n"),
    ("from . import z, y\ny()\n", "from . import y\ny()\n"),
    ("from m import (\n    a,\n    b,\n)\na()\n", "from m import (\n    a,\n)\na()\n"),
    ("from m import (\n    a,\n    b,\n)\nb()\n", "from m import (\n    b,\n)\nb()\n"),
    ("from m import (\n    a,\n    b\n)\na()\n", "from m import (\n    a\n)\na()\n"),
    ("from m import (a, b,)\na()\n", "from m import (a, )\na()\n"),
    ("from m import (a,  # keep\n    b)\nb()\n", "from m import (b)\nb()\n"),
    ("import os; x = 1\n", "x = 1\n"),
    ("x = 1; import os\n", "x = 1\n"),
    ("x = 1; import os; y = 2\n", "x = 1; y = 2\n"),
    ("def f():\n    import os\n", "def f():\n    pass\n"),
    ("def f():\n    import os\n    return 1\n", "def f():\n    return 1\n"),
    ("if True: import os\n", "if True: pass\n"),
    (
        "try:\n    import os\nexcept ImportError:\n    pass\n",
        "try:\n    pass\nexcept ImportError:\n    pass\n",
    ),
    ("match x:\n    case 1:\n        import os\n", "match x:\n    case 1:\n        pass\n"),
    ("import os\r\nx = 1\r\n", "x = 1\r\n"),
    ("import \\\n    os\nx = 1\n", "x = 1\n"),
    ("é = 1; import os\n", "é = 1\n"),
    ("from m import (\n    a as b,\n    c)\nc()\n", "from m import (\n    c)\nc()\n"),
]


@pytest.mark.parametrize(("before", "after"), UNUSED_IMPORTS)
def test_remove_unused_import(before: str, after: str) -> None:
    assert_fix(flakes.check, before, "F401", after)


def test_each_of_several_unused_names_is_removed_alone() -> None:
    text = "import os, sys, re\n"
    assert fixed(flakes.check, text, "F401", 0) == "import sys, re\n"
    assert fixed(flakes.check, text, "F401", 1) == "import os, re\n"
    assert fixed(flakes.check, text, "F401", 2) == "import os, sys\n"


def test_fix_is_titled_with_the_bound_name() -> None:
    [finding] = flakes.check(Source("import numpy as np\n"))
    assert finding.fixes[0].title == "Remove unused import 'np'"


# -- F841: unused `as e` ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "def f():\n    try:\n        pass\n    except ValueError as error:\n        pass\n",
            "def f():\n    try:\n        pass\n    except ValueError:\n        pass\n",
        ),
        (
            "try:\n    pass\nexcept (KeyError, ValueError) as e:\n    pass\n",
            "try:\n    pass\nexcept (KeyError, ValueError):\n    pass\n",
        ),
        (
            "try:\n    pass\nexcept (KeyError) as e:\n    pass\n",
            "try:\n    pass\nexcept (KeyError):\n    pass\n",
        ),
    ],
)
def test_remove_unused_exception_name(before: str, after: str) -> None:
    assert_fix(flakes.check, before, "F841", after)


def test_plain_unused_variable_has_no_fix() -> None:
    [finding] = flakes.check(Source("def f():\n    x = print()\n"))
    assert finding.code == "F841"
    assert finding.fixes == ()


# -- F541: f-string without placeholders --------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = f'abc'\n", "x = 'abc'\n"),
        ('x = F"abc"\n', 'x = "abc"\n'),
        ("x = rf'\\d'\n", "x = r'\\d'\n"),
        ("x = f'a' 'b'\n", "x = 'a' 'b'\n"),
        ("x = (f'a'\n     f'b')\n", "x = ('a'\n     'b')\n"),
        ("x = f'''a\nb'''\n", "x = '''a\nb'''\n"),
        ("x = [f'é', 1]\n", "x = ['é', 1]\n"),
    ],
)
def test_drop_needless_f_prefix(before: str, after: str) -> None:
    assert_fix(flakes.check, before, "F541", after)


def test_no_f_prefix_fix_when_braces_would_change_meaning() -> None:
    [finding] = only(flakes.check(Source("x = f'{{}}'\n")), "F541")
    assert finding.fixes == ()


# -- style ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "before", "after"),
    [
        ("W291", "x = 1   \ny = 2\n", "x = 1\ny = 2\n"),
        ("W291", "x = 1\t\r\n", "x = 1\r\n"),
        ("W293", "x = 1\n    \ny = 2\n", "x = 1\n\ny = 2\n"),
        ("E711", "if x == None:\n    pass\n", "if x is None:\n    pass\n"),
        ("E711", "if None != x:\n    pass\n", "if None is not x:\n    pass\n"),
        ("E711", "y = (x) == None\n", "y = (x) is None\n"),
        ("E711", "y = a < b == None\n", "y = a < b is None\n"),
        (
            "E722",
            "try:\n    pass\nexcept:\n    pass\n",
            "try:\n    pass\nexcept Exception:\n    pass\n",
        ),
        ("W605", "x = '\\d'\n", "x = '\\\\d'\n"),
        ("W605", "x = b'\\q'\n", "x = b'\\\\q'\n"),
        ("W605", "x = f'{y}\\s'\n", "x = f'{y}\\\\s'\n"),
        ("W605", "x = 'ok' '\\['\n", "x = 'ok' '\\\\['\n"),
        ("W605", 'x = """\n  \\d\n"""\n', 'x = """\n  \\\\d\n"""\n'),
    ],
)
def test_style_fix(code: str, before: str, after: str) -> None:
    assert_fix(style.check, before, code, after)


def test_escaped_backslash_keeps_the_string_value() -> None:
    before = "x = 'a\\d\\n'\n"
    after = fixed(style.check, before, "W605")
    namespace: dict[str, object] = {}
    exec(compile(after, "<test>", "exec"), namespace)
    assert namespace["x"] == "a\\d\n"


def test_trailing_whitespace_fix_keeps_triple_quoted_strings() -> None:
    # Nothing to fix inside the string: removing it would change the value.
    findings = only(style.check(Source('x = """a   \nb"""   \n')), "W291")
    assert [finding.span.line for finding in findings] == [1]


FIXABLE_PROGRAM = (
    "import os, sys\n"
    "from typing import (\n"
    "    Any,\n"
    "    Optional,\n"
    ")\n"
    "import json; import re\n"
    "\n"
    "def load(path: str = '.') -> Optional[dict]:\n"
    "    try:\n"
    "        import yaml\n"
    "    except ImportError as missing:\n"
    "        return None\n"
    "    if path == None:\n"
    "        print(f'no path')\n"
    "    try:\n"
    "        return json.loads(open(path).read().strip('\\s'))\n"
    "    except:\n"
    "        return sys.exit(1)\n"
    "    \n"
    "x = 1  \n"
)


def test_every_fix_on_a_program_is_sound() -> None:
    source = Source(FIXABLE_PROGRAM)
    findings = [*flakes.check(source), *style.check(source)]
    fixable = [finding for finding in findings if finding.fixes]
    assert sorted({finding.code for finding in fixable}) == [
        "E711", "E722", "F401", "F541", "F841", "W291", "W293", "W605",
    ]  # fmt: skip
    for finding in fixable:
        check: Check = flakes.check if finding.source == "pyflakes" else style.check
        after = apply_edits(FIXABLE_PROGRAM, finding.fixes[0].edits)
        parse(after)
        before = len(only(check(Source(FIXABLE_PROGRAM)), finding.code))
        assert len(only(check(Source(after)), finding.code)) == before - 1, (finding, after)

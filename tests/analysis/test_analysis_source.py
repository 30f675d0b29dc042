"""Source: Python's line breaks, the shared node index, code-point columns, enclosing scopes."""

from __future__ import annotations

import ast

import pytest

from lionagi_playground.server.analysis.scopes import Scopes, position
from lionagi_playground.server.analysis.source import Source, split_lines


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", [""]),
        ("a", ["a"]),
        ("a\n", ["a", ""]),
        ("a\r\nb\rc\nd", ["a", "b", "c", "d"]),
        ("a\u2028b\x0cc\x1cd\x85e\n", ["a\u2028b\x0cc\x1cd\x85e", ""]),  # one line for Python
    ],
)
def test_lines_break_where_python_and_lsp_break_them(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines
    assert Source(text).lines == lines


def test_lines_agree_with_ast_line_numbers() -> None:
    source = Source("x = 1  # \u2028 \x0c\ry = 2\r\nz = 3\n")
    assert [node.lineno for node in source.nodes(ast.Assign)] == [1, 2, 3]
    assert source.lines[1] == "y = 2"


def test_node_index_by_type() -> None:
    source = Source("def f(x):\n    return [y for y in x if y]\nclass A:\n    def g(self): ...\n")
    assert [node.name for node in source.nodes(ast.FunctionDef)] == ["f", "g"]
    assert len(source.nodes(ast.comprehension)) == 1
    assert source.nodes(ast.Load) == []  # contexts are not indexed
    assert source.nodes(ast.While) == []
    unindexed = ast.expr_context | ast.operator | ast.boolop | ast.cmpop | ast.unaryop
    assert source.tree is not None
    everything = [node for node in ast.walk(source.tree) if not isinstance(node, unindexed)]
    assert len(list(source.walk())) == len(everything)


def test_node_index_without_a_tree_is_empty() -> None:
    source = Source("def f(:\n")
    assert source.nodes(ast.FunctionDef) == []
    assert list(source.walk()) == []


def test_node_index_survives_deep_trees() -> None:
    source = Source("x = " + "1+" * 1500 + "1\n")
    assert len(source.nodes(ast.BinOp)) == 1500


def test_columns_are_code_points() -> None:
    source = Source("é = '😀'; x = 1\n")
    [_, second] = source.nodes(ast.Assign)
    span = source.span(second.targets[0])
    assert (span.col, span.end_col) == (9, 10)
    assert source.segment(span) == "x"


def test_segment_across_lines() -> None:
    source = Source("x = (1,\n     2)\n")
    [assign] = source.nodes(ast.Assign)
    assert source.segment(source.span(assign.value)) == "(1,\n     2)"


SCOPED = """\
x = 1
async def outer():
    a = 1
    @decorator(b)
    def inner(c=d):
        e = lambda: f
        return e
    class Inner:
        g = 1
    return h
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x", None),
        ("a", "outer"),
        ("b", "outer"),
        ("d", "outer"),
        ("e", "inner"),
        ("f", "<lambda>"),
        ("g", "Inner"),
        ("h", "outer"),
    ],
)
def test_enclosing_scope(name: str, expected: str | None) -> None:
    source = Source(SCOPED)
    node = next(node for node in source.nodes(ast.Name) if node.id == name)
    scope = Scopes(source).enclosing(position(node))
    found = None if scope is None else getattr(scope, "name", "<lambda>")
    assert found == expected


def test_enclosing_scope_through_lambdas() -> None:
    source = Source(SCOPED)
    [node] = [node for node in source.nodes(ast.Name) if node.id == "f"]
    scope = Scopes(source).enclosing(position(node), through_lambdas=True)
    assert isinstance(scope, ast.FunctionDef)
    assert scope.name == "inner"

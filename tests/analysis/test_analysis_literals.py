"""The literal scanner behind the f-prefix and escape fixes."""

from __future__ import annotations

import pytest

from lionagi_playground.server.analysis.literals import Literal, literals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'a'", [Literal(0, "", 1, 2)]),
        ('rb"\\""', [Literal(0, "rb", 3, 5)]),
        ("f'''x''y'''", [Literal(0, "f", 4, 8)]),
        ("'a' # note\n  \"b\"", [Literal(0, "", 1, 2), Literal(13, "", 14, 15)]),
        ("'a' \\\n'b'", [Literal(0, "", 1, 2), Literal(6, "", 7, 8)]),
        ("'a\\\nb'", [Literal(0, "", 1, 5)]),
    ],
)
def test_pieces(text: str, expected: list[Literal]) -> None:
    assert literals(text) == expected


@pytest.mark.parametrize("text", ["", "x", "'a' + 'b'", "'a\nb'", "'''abc", "(('a'))"])
def test_not_only_literals(text: str) -> None:
    assert literals(text) is None


def test_flags() -> None:
    [piece] = literals("Rb'x'") or []
    assert (piece.is_raw, piece.is_bytes) == (True, True)

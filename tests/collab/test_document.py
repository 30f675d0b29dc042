"""The chunked document gives exactly what `apply` gives, without copying itself per edit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lionagi_playground.server.collab import document as document_module
from lionagi_playground.server.collab.document import Document
from lionagi_playground.server.collab.operation import OperationError, apply, units
from tests.collab.strategies import document_and_ops, operations_on


@given(st.data())
def test_a_sequence_of_edits_matches_apply(data: st.DataObject) -> None:
    doc, (op,) = data.draw(document_and_ops(1))
    document_module.CHUNK = 8  # tiny chunks, so edits cross and merge them
    try:
        shared = Document(doc)
        expected = doc
        for _ in range(5):
            shared.check(op)
            shared.apply(op)
            expected = apply(expected, op)
            assert shared.text() == expected
            assert len(shared) == len(expected)
            start = data.draw(st.integers(0, len(expected)))
            end = data.draw(st.integers(start, len(expected)))
            assert shared.slice(start, end) == expected[start:end]
            op = data.draw(operations_on(expected))
    finally:
        document_module.CHUNK = 2048


def test_an_edit_of_a_10000_line_file_keeps_the_chunks_it_does_not_touch() -> None:
    lines = "".join(f"line {n:05d} of the shared file\n" for n in range(10_000))
    shared = Document(lines)
    before = {id(chunk) for chunk in shared._chunks}
    middle = len(lines) // 2
    shared.apply([middle, "x", len(lines) - middle])
    after = [id(chunk) for chunk in shared._chunks]
    assert len([c for c in after if c not in before]) <= 2, "only the edited chunk is new"
    assert shared.text() == lines[:middle] + "x" + lines[middle:]


def test_cuts_inside_a_surrogate_pair_are_refused() -> None:
    shared = Document(units("a😀b"))
    cuts: list[list[int | str]] = [[2, "x", 2], [2, -2], [1, -1, 2], [2, 2]]
    for op in cuts:
        with pytest.raises(OperationError, match="surrogate pair"):
            shared.check(op)
    with pytest.raises(OperationError, match="lone surrogate"):
        shared.check([4, "\ud83d"])
    with pytest.raises(OperationError, match="covers 3 units but the document has 4"):
        shared.check([3])
    shared.check([1, -2, "y", 1])
    assert shared.text() == units("a😀b"), "a check changes nothing"

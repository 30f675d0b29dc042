"""The OT algebra's laws on random documents, its canonical form, and its refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lionagi_playground.server.collab.operation import (
    OperationError,
    apply,
    compose,
    from_json,
    has_lone_surrogate,
    invert,
    text,
    transform,
    transform_index,
    units,
)
from tests.collab.strategies import document_and_ops, documents, operations_on


@given(st.data())
def test_compose_is_apply_then_apply(data: st.DataObject) -> None:
    doc, (a,) = data.draw(document_and_ops(1))
    after_a = apply(doc, a)
    b = data.draw(operations_on(after_a))
    assert apply(doc, compose(a, b)) == apply(after_a, b)


@given(document_and_ops(2))
def test_transform_converges(case: tuple[str, list[tuple[int | str, ...]]]) -> None:
    doc, (a, b) = case
    a_prime, b_prime = transform(a, b)
    assert apply(apply(doc, a), b_prime) == apply(apply(doc, b), a_prime)


@given(document_and_ops(1))
def test_invert_undoes(case: tuple[str, list[tuple[int | str, ...]]]) -> None:
    doc, (a,) = case
    assert apply(apply(doc, a), invert(a, doc)) == doc


@given(document_and_ops(2))
def test_transformed_edits_never_split_a_surrogate_pair(
    case: tuple[str, list[tuple[int | str, ...]]],
) -> None:
    doc, (a, b) = case
    _, b_prime = transform(a, b)
    assert not has_lone_surrogate(apply(apply(doc, a), b_prime))


@given(documents)
def test_units_and_text_round_trip(doc: str) -> None:
    assert text(units(doc)) == doc
    assert len(units(doc)) == len(doc.encode("utf-16-le")) // 2


def test_lengths_are_utf16_units() -> None:
    doc = units("a😀b")  # the emoji is two units, as in JavaScript
    assert apply(doc, [1, -2, 1]) == "ab"
    assert text(apply(doc, [3, "𠀀", 1])) == "a😀𠀀b"
    with pytest.raises(OperationError, match="base length"):
        apply(doc, [3])


def test_canonical_form_is_ot_js_s() -> None:
    assert from_json([1, 2, "a", "b", -1, -2]) == (3, "ab", -3)
    assert from_json([-1, "a"]) == ("a", -1)  # an insert before an adjacent delete
    assert from_json([2, -1, "x", -1, "y"]) == (2, "xy", -2)
    assert from_json(["", 3]) == (3,)  # an empty insert is nothing, as in ot.js
    assert from_json([2.0]) == (2,)  # JSON has one number type


def test_a_tie_puts_the_left_insert_first() -> None:
    a_prime, b_prime = transform(["left", 2], ["right", 2])
    assert apply(apply("xy", ["left", 2]), b_prime) == "leftrightxy"
    assert (a_prime, b_prime) == (("left", 7), (4, "right", 2))


@pytest.mark.parametrize(
    "value",
    [[0], [True], [False], [None], [1, [2]], [{}], "abc", {"ops": [1]}, [1.5], 3, None],
)
def test_malformed_operations_are_refused(value: object) -> None:
    with pytest.raises(OperationError):
        from_json(value)


def test_mismatched_operations_are_refused() -> None:
    with pytest.raises(OperationError, match="base length"):
        compose([2], [3])
    with pytest.raises(OperationError, match="same base length"):
        transform([2], [3])


def test_a_cursor_moves_with_edits_before_it() -> None:
    assert transform_index(3, [1, "ab", 4]) == 5
    assert transform_index(3, [3, "ab", 2]) == 5  # an insert at the cursor goes before it
    assert transform_index(3, [1, -3, 1]) == 1
    assert transform_index(1, [3, "ab", 2]) == 1


def test_lone_surrogates_are_found() -> None:
    pair = units("😀")
    assert not has_lone_surrogate(pair + "a")
    assert has_lone_surrogate(pair[0] + "a")
    assert has_lone_surrogate("a" + pair[1])

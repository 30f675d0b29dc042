"""The room's shortcut for keystrokes (`transform_over`) gives what `transform` gives."""

from __future__ import annotations

import random

import pytest

from lionagi_playground.server.collab.operation import (
    Operation,
    OperationError,
    from_json,
    target_length,
    transform,
)
from lionagi_playground.server.collab.room import transform_over


def _op(*components: int | str) -> Operation:
    return from_json([c for c in components if c != 0])


def _keystrokes(length: int) -> list[Operation]:
    """Every one-insert and one-delete op on a text of `length` units, and the no-op."""
    ops = [_op(at, s, length - at) for at in range(length + 1) for s in ("a", "bc")]
    ops += [
        _op(at, -count, length - at - count)
        for at in range(length)
        for count in range(1, length - at + 1)
    ]
    return [*ops, _op(length)]


def test_every_pair_of_keystrokes_on_short_texts() -> None:
    for length in range(8):
        ops = _keystrokes(length)
        for a in ops:
            for b in ops:
                assert transform_over(a, [b]) == transform(a, b)[0], (a, b)


def _random_op(rng: random.Random, length: int) -> Operation:
    if rng.random() < 0.15:  # any op: several edits, an emoji, a replace
        components: list[int | str] = []
        left = length
        while left or rng.random() < 0.3:
            roll = rng.random()
            if roll < 0.3:
                components.append(rng.choice(["x", "yz", "\ud83d\ude00"]))
            elif left:
                count = rng.randint(1, left)
                components.append(-count if roll < 0.6 else count)
                left -= count
            if not left and rng.random() < 0.5:
                break
        return from_json(components)
    if length and rng.random() < 0.4:
        at = rng.randrange(length)
        count = rng.randint(1, length - at)
        return _op(at, -count, length - at - count)
    at = rng.randint(0, length)
    return _op(at, rng.choice(["a", "bcd"]), length - at)


def test_random_histories() -> None:
    rng = random.Random(20261207)
    for _ in range(20_000):
        start = length = rng.randint(0, 12)
        history = []  # what the server applied since the op's revision
        for _ in range(rng.randint(1, 6)):
            history.append(_random_op(rng, length))
            length = target_length(history[-1])
        op = _random_op(rng, start)
        expected = op
        for done in history:
            expected = transform(expected, done)[0]
        assert transform_over(op, history) == expected, (op, history)


def test_lengths_that_differ_are_refused_as_transform_refuses_them() -> None:
    with pytest.raises(OperationError, match="same base length"):
        transform_over(_op(1, "a"), [_op(2, "b")])

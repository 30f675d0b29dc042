"""Text operations in the ot.js format: apply, compose, transform, invert, transform_index.

Pure: no I/O, no state. An operation is a tuple of components, as ot.js's
`TextOperation.toJSON()` writes them: a positive int retains that many units, a negative int
deletes that many, a string inserts itself. Every function returns the canonical form ot.js
builds (adjacent components of one kind merged, none empty, an insert before an adjacent
delete), and `transform` breaks a tie (both insert at one offset) with the left operand's
insert first, so the server and any ot.js-compatible client agree component by component.

Lengths are UTF-16 code units, what LSP, Monaco, VS Code and JavaScript count. The strings
here are therefore *unit strings*: Python str whose characters are UTF-16 code units, an
astral character (an emoji, CJK Extension B) being two surrogate characters, exactly as a
JavaScript string holds it. Slicing and `len` then mean what they mean in ot.js. `units`
and `text` convert from and to ordinary Python text at the edges (the wire, the store).

Written here rather than taken from PyPI: the Python OT packages there are ports of older
ot.js versions that count code points, not UTF-16 units, and differ from ot.js 0.0.15 in
canonical form; matching it to the letter is the point (tests/collab checks vectors that ot.js
itself produces).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

Component = int | str
Operation = tuple[Component, ...]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class OperationError(ValueError):
    """An operation that is malformed, or does not fit the text or the other operation."""


# --- unit strings -------------------------------------------------------------------------


def _pair(match: re.Match[str]) -> str:
    code = ord(match.group()) - 0x10000
    return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))


def units(text: str) -> str:
    """Ordinary text as a unit string (each astral character as its two surrogates)."""
    if text.isascii():
        return text
    return _ASTRAL.sub(_pair, text)


def text(unit_string: str) -> str:
    """A unit string as ordinary text: surrogate pairs joined, a lone surrogate kept."""
    if unit_string.isascii() or not _SURROGATE.search(unit_string):
        return unit_string
    return unit_string.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def is_high(unit: str) -> bool:
    return "\ud800" <= unit <= "\udbff"


def is_low(unit: str) -> bool:
    return "\udc00" <= unit <= "\udfff"


def has_lone_surrogate(unit_string: str) -> bool:
    """Whether a unit string holds a surrogate that is not half of a pair (invalid UTF-16)."""
    if unit_string.isascii():
        return False
    for match in _SURROGATE.finditer(unit_string):
        i = match.start()
        unit = unit_string[i]
        if is_high(unit):
            if i + 1 >= len(unit_string) or not is_low(unit_string[i + 1]):
                return True
        elif i == 0 or not is_high(unit_string[i - 1]):
            return True
    return False


# --- building -----------------------------------------------------------------------------


class Builder:
    """ot.js's TextOperation builder: retain / insert / delete, kept canonical as it grows."""

    __slots__ = ("base_length", "ops", "target_length")

    def __init__(self) -> None:
        self.ops: list[Component] = []
        self.base_length = 0
        self.target_length = 0

    def retain(self, n: int) -> Builder:
        if n == 0:
            return self
        self.base_length += n
        self.target_length += n
        ops = self.ops
        if ops and _is_retain(ops[-1]):
            ops[-1] = int(ops[-1]) + n
        else:
            ops.append(n)
        return self

    def insert(self, s: str) -> Builder:
        if s == "":
            return self
        self.target_length += len(s)
        ops = self.ops
        if ops and isinstance(ops[-1], str):
            ops[-1] += s
        elif ops and _is_delete(ops[-1]):
            # An insert goes before an adjacent delete: one canonical form for the same edit.
            if len(ops) >= 2 and isinstance(ops[-2], str):
                ops[-2] += s
            else:
                ops.insert(len(ops) - 1, s)
        else:
            ops.append(s)
        return self

    def delete(self, n: int) -> Builder:
        if n == 0:
            return self
        if n > 0:
            n = -n
        self.base_length -= n
        ops = self.ops
        if ops and _is_delete(ops[-1]):
            ops[-1] = int(ops[-1]) + n
        else:
            ops.append(n)
        return self

    def build(self) -> Operation:
        return tuple(self.ops)


def _is_retain(component: Component) -> bool:
    return isinstance(component, int) and component > 0


def _is_delete(component: Component) -> bool:
    return isinstance(component, int) and component < 0


def from_json(value: object) -> Operation:
    """An operation from its JSON form, checked and made canonical as ot.js's `fromJSON` does.

    Refused like ot.js: 0, booleans, null, nested lists, objects ("unknown operation").
    Stricter than ot.js, which accepts them and then misbehaves: a value that is not a list
    (ot.js iterates a string's characters, and takes an object as empty) and a number that is
    not an integer (ot.js retains 1.5 units). An empty string is a no-op, as in ot.js. Insert
    strings are taken as they come: unit strings when the caller passed them through `units`.
    """
    if not isinstance(value, list | tuple):
        raise OperationError(f"an operation is a list of components, not {_show(value)}")
    builder = Builder()
    for component in value:
        if isinstance(component, bool) or not isinstance(component, int | str | float):
            raise OperationError(f"unknown operation: {_show(component)}")
        if isinstance(component, float):
            if not component.is_integer() or component == 0:
                raise OperationError(f"unknown operation: {_show(component)}")
            component = int(component)
        if isinstance(component, str):
            builder.insert(component)
        elif component > 0:
            builder.retain(component)
        elif component < 0:
            builder.delete(component)
        else:
            raise OperationError("unknown operation: 0")
    return builder.build()


def _show(value: object) -> str:
    try:
        shown = json.dumps(value)
    except (TypeError, ValueError):
        shown = type(value).__name__
    return shown if len(shown) <= 40 else shown[:37] + "..."


# --- lengths ------------------------------------------------------------------------------


def base_length(op: Sequence[Component]) -> int:
    """The length of the text the operation applies to."""
    return sum(abs(c) if isinstance(c, int) else 0 for c in op)


def target_length(op: Sequence[Component]) -> int:
    """The length of the text the operation produces."""
    return sum(
        c if isinstance(c, int) and c > 0 else len(c) if isinstance(c, str) else 0 for c in op
    )


def is_noop(op: Sequence[Component]) -> bool:
    return len(op) == 0 or (len(op) == 1 and _is_retain(op[0]))


# --- the algebra --------------------------------------------------------------------------


def apply(text_units: str, op: Sequence[Component]) -> str:
    """The text after the operation (unit strings); OperationError if it does not fit."""
    if len(text_units) != base_length(op):
        raise OperationError(
            f"the operation's base length ({base_length(op)}) must be the text's length "
            f"({len(text_units)})"
        )
    parts: list[str] = []
    index = 0
    for component in op:
        if isinstance(component, str):
            parts.append(component)
        elif component > 0:
            parts.append(text_units[index : index + component])
            index += component
        else:
            index -= component
    return "".join(parts)


def invert(op: Sequence[Component], text_units: str) -> Operation:
    """The operation that undoes `op` on the text it was applied to."""
    if len(text_units) != base_length(op):  # ot.js slices a wrong text anyway; we refuse
        raise OperationError(
            f"the operation's base length ({base_length(op)}) must be the text's length "
            f"({len(text_units)})"
        )
    inverse = Builder()
    index = 0
    for component in op:
        if isinstance(component, str):
            inverse.delete(len(component))
        elif component > 0:
            inverse.retain(component)
            index += component
        else:
            inverse.insert(text_units[index : index - component])
            index -= component
    return inverse.build()


def compose(a: Sequence[Component], b: Sequence[Component]) -> Operation:
    """One operation with the effect of `a` then `b`."""
    if target_length(a) != base_length(b):
        raise OperationError(
            "the base length of the second operation has to be the target length of the first"
        )
    out = Builder()
    i1 = i2 = 0
    op1: Component | None = a[0] if a else None
    op2: Component | None = b[0] if b else None

    def next1() -> Component | None:
        nonlocal i1
        i1 += 1
        return a[i1] if i1 < len(a) else None

    def next2() -> Component | None:
        nonlocal i2
        i2 += 1
        return b[i2] if i2 < len(b) else None

    while op1 is not None or op2 is not None:
        if isinstance(op1, int) and op1 < 0:
            out.delete(op1)
            op1 = next1()
            continue
        if isinstance(op2, str):
            out.insert(op2)
            op2 = next2()
            continue
        if op1 is None:
            raise OperationError("cannot compose operations: the first is too short")
        if op2 is None:
            raise OperationError("cannot compose operations: the first is too long")
        if isinstance(op1, int):  # a retain; op2 is a retain or a delete
            if op2 > 0:
                if op1 > op2:
                    out.retain(op2)
                    op1, op2 = op1 - op2, next2()
                elif op1 == op2:
                    out.retain(op1)
                    op1, op2 = next1(), next2()
                else:
                    out.retain(op1)
                    op2, op1 = op2 - op1, next1()
            elif op1 > -op2:
                out.delete(op2)
                op1, op2 = op1 + op2, next2()
            elif op1 == -op2:
                out.delete(op2)
                op1, op2 = next1(), next2()
            else:
                out.delete(op1)
                op2, op1 = op2 + op1, next1()
        elif op2 < 0:  # an insert, then deleted
            if len(op1) > -op2:
                op1, op2 = op1[-op2:], next2()
            elif len(op1) == -op2:
                op1, op2 = next1(), next2()
            else:
                op2, op1 = op2 + len(op1), next1()
        elif len(op1) > op2:  # an insert, then retained
            out.insert(op1[:op2])
            op1, op2 = op1[op2:], next2()
        elif len(op1) == op2:
            out.insert(op1)
            op1, op2 = next1(), next2()
        else:
            out.insert(op1)
            op2, op1 = op2 - len(op1), next1()
    return out.build()


def transform(a: Sequence[Component], b: Sequence[Component]) -> tuple[Operation, Operation]:
    """`(a', b')` for concurrent `a` and `b` on one text: apply(apply(s, a), b') equals
    apply(apply(s, b), a'). When both insert at one offset, `a`'s insert comes first."""
    if base_length(a) != base_length(b):
        raise OperationError("both operations have to have the same base length")
    a_prime, b_prime = Builder(), Builder()
    i1 = i2 = 0
    op1: Component | None = a[0] if a else None
    op2: Component | None = b[0] if b else None

    def next1() -> Component | None:
        nonlocal i1
        i1 += 1
        return a[i1] if i1 < len(a) else None

    def next2() -> Component | None:
        nonlocal i2
        i2 += 1
        return b[i2] if i2 < len(b) else None

    while op1 is not None or op2 is not None:
        if isinstance(op1, str):
            a_prime.insert(op1)
            b_prime.retain(len(op1))
            op1 = next1()
            continue
        if isinstance(op2, str):
            a_prime.retain(len(op2))
            b_prime.insert(op2)
            op2 = next2()
            continue
        if op1 is None:
            raise OperationError("cannot transform operations: the first is too short")
        if op2 is None:
            raise OperationError("cannot transform operations: the first is too long")
        if op1 > 0 and op2 > 0:
            if op1 > op2:
                step, op1, op2 = op2, op1 - op2, next2()
            elif op1 == op2:
                step, op1, op2 = op2, next1(), next2()
            else:
                step, op2, op1 = op1, op2 - op1, next1()
            a_prime.retain(step)
            b_prime.retain(step)
        elif op1 < 0 and op2 < 0:  # both delete the same units: neither needs to any more
            if -op1 > -op2:
                op1, op2 = op1 - op2, next2()
            elif op1 == op2:
                op1, op2 = next1(), next2()
            else:
                op2, op1 = op2 - op1, next1()
        elif op1 < 0:  # a deletes what b retains
            if -op1 > op2:
                step, op1, op2 = op2, op1 + op2, next2()
            elif -op1 == op2:
                step, op1, op2 = op2, next1(), next2()
            else:
                step, op2, op1 = -op1, op2 + op1, next1()
            a_prime.delete(step)
        else:  # a retains what b deletes
            if op1 > -op2:
                step, op1, op2 = -op2, op1 + op2, next2()
            elif op1 == -op2:
                step, op1, op2 = op1, next1(), next2()
            else:
                step, op2, op1 = op1, op2 + op1, next1()
            b_prime.delete(step)
    return a_prime.build(), b_prime.build()


def transform_index(index: int, op: Sequence[Component]) -> int:
    """Where a cursor at `index` is after `op`: ot.js's `Selection.Range.transform`, so a
    cursor at an insert's offset moves after the inserted text."""
    new_index = index
    for component in op:
        if isinstance(component, str):
            new_index += len(component)
        elif component > 0:
            index -= component
        else:
            new_index -= min(index, -component)
            index += component
        if index < 0:
            break
    return new_index

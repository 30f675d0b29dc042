"""Hypothesis strategies: documents with emoji, CJK outside the BMP and CRLF, and operations
on them that never split a surrogate pair (what an editor can produce)."""

from __future__ import annotations

from hypothesis import strategies as st

from lionagi_playground.server.collab.operation import Builder, Operation, units

PIECES = ["a", "b", "z", " ", "\r\n", "\n", "é", "中", "😀", "𠀀", "👩‍💻", "\t", "x"]
"""Characters and clusters: ASCII, a Latin-1 letter, BMP CJK, an emoji and U+20000 (two
UTF-16 units each), a ZWJ sequence (five units), CRLF."""

documents = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
inserts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join)


def boundaries(unit_text: str) -> list[int]:
    """Every offset of a unit string that does not fall inside a surrogate pair."""
    return [
        i
        for i in range(len(unit_text) + 1)
        if not (0 < i < len(unit_text) and "\udc00" <= unit_text[i] <= "\udfff")
    ]


@st.composite
def operations_on(draw: st.DrawFn, unit_text: str) -> Operation:
    """A random edit of `unit_text` (a unit string): retains, deletes and inserts, each cut at
    a code-point boundary."""
    cuts = boundaries(unit_text)
    builder = Builder()
    position = 0
    while position < len(unit_text):
        later = [c for c in cuts if c > position]
        end = draw(st.sampled_from(later))
        kind = draw(st.sampled_from(["retain", "retain", "delete", "insert"]))
        if kind == "insert":
            builder.insert(units(draw(inserts)))
            continue
        if kind == "retain":
            builder.retain(end - position)
        else:
            builder.delete(end - position)
        position = end
    if draw(st.booleans()):
        builder.insert(units(draw(inserts)))
    return builder.build()


@st.composite
def document_and_ops(draw: st.DrawFn, count: int) -> tuple[str, list[Operation]]:
    """A unit-string document and `count` concurrent operations on it."""
    doc = units(draw(documents))
    return doc, [draw(operations_on(doc)) for _ in range(count)]

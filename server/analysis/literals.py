"""The string literals in the source of a string expression: prefixes, quotes and bodies.

Checks that edit or inspect literal text (a needless `f`, an invalid escape) need
what the AST drops: which prefix each implicitly concatenated piece had and
where its body starts and ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX_AND_QUOTE = re.compile(r"([A-Za-z]{0,3})('''|\"\"\"|'|\")")
# Between the pieces of `"a" "b"`: whitespace, line continuations and comments.
_GAP = re.compile(r"(?:\s|\\\n|#[^\n]*)*")
# A body up to its closing quote. A backslash hides the next character (a quote,
# a line break) from the end of the literal, in raw strings too.
_BODY = {
    quote: re.compile(rf"(?:[^\\{stop}]|\\.)*?{re.escape(quote)}", re.DOTALL)
    for quote, stop in (("'", "'\n"), ('"', '"\n'), ("'''", ""), ('"""', ""))
}


@dataclass(frozen=True, slots=True)
class Literal:
    start: int
    """Index of the prefix (or of the opening quote when there is none)."""
    prefix: str
    body_start: int
    body_end: int
    """Index of the closing quote."""

    @property
    def is_raw(self) -> bool:
        return "r" in self.prefix.lower()

    @property
    def is_bytes(self) -> bool:
        return "b" in self.prefix.lower()


def literals(text: str) -> list[Literal] | None:
    """The literals `text` is made of, or None when it is not only string literals."""
    found: list[Literal] = []
    index = _skip_gap(text, 0)
    while index < len(text):
        opening = _PREFIX_AND_QUOTE.match(text, index)
        if opening is None:
            return None
        quote = opening.group(2)
        body = _BODY[quote].match(text, opening.end())
        if body is None:
            return None
        body_end = body.end() - len(quote)
        found.append(Literal(index, opening.group(1), opening.end(), body_end))
        index = _skip_gap(text, body.end())
    return found or None


def _skip_gap(text: str, index: int) -> int:
    gap = _GAP.match(text, index)
    return gap.end() if gap is not None else index

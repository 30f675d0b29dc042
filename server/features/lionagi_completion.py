"""The lionagi part of completion: provider names in `iModel(provider="|")`, documented keywords."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lsprotocol import types

from lionagi_playground.server.knowledge import Knowledge

if TYPE_CHECKING:
    from lionagi_playground.server.features.completion import Resolvable

# The open call and the string being typed, as far back as a few lines: the
# call `iModel(` (however it was imported), then `provider=` and an open quote.
_PROVIDER_STRING = re.compile(r"\biModel\s*\([^()]*?\bprovider\s*=\s*(['\"])([\w\-]*)$", re.S)
_LOOKBACK_LINES = 8


def string_items(
    lines: list[str], line: int, column: int, knowledge: Knowledge
) -> list[types.CompletionItem] | None:
    """Provider names when the cursor is in `iModel(provider="...")`, else None."""
    before = [*lines[max(0, line - _LOOKBACK_LINES) : line - 1], lines[line - 1][:column]]
    if _PROVIDER_STRING.search("\n".join(before)) is None:
        return None
    items = []
    for index, provider in enumerate(knowledge.provider_names()):
        cli = knowledge.is_cli_provider(provider)
        info = knowledge.provider_info.get(knowledge.canonical_provider(provider) or provider)
        detail = info.description if info is not None else "lionagi provider"
        if cli:
            detail += " (a local CLI: cannot run in the sandbox)"
        items.append(
            types.CompletionItem(
                label=provider,
                kind=types.CompletionItemKind.EnumMember,
                detail=detail,
                sort_text=f"{1 if cli else 0}{index:03d}",
                insert_text=provider,
            )
        )
    return items


def keyword_items(
    knowledge: Knowledge,
    callable_name: str,
    typed: str,
    resolvables: dict[int, Resolvable],
    ids: Iterator[int],
) -> list[types.CompletionItem]:
    """`name=` items for the keyword parameters of a lionagi callable."""
    from lionagi_playground.server.features.completion import Resolvable

    items = []
    for index, param in enumerate(knowledge.keyword_params(callable_name)):
        if not param.name.startswith(typed) or param.name.startswith("_"):
            continue
        key = next(ids)
        resolvables[key] = Resolvable(None, callable_name, param.name)
        items.append(
            types.CompletionItem(
                label=f"{param.name}=",
                kind=types.CompletionItemKind.Variable,
                sort_text=f"0{index:05d}",
                filter_text=param.name,
                insert_text=f"{param.name}=",
                detail=param.render(),
                data={"id": key},
            )
        )
    return items


def resolve_details(resolvable: Resolvable, knowledge: Knowledge) -> tuple[str, str]:
    """(detail, markdown documentation) for one completion item (on the jedi thread)."""
    if resolvable.callable_name is not None and resolvable.param is not None:
        param = knowledge.parameter(resolvable.callable_name, resolvable.param)
        symbol = knowledge.symbol(resolvable.callable_name)
        owner = symbol.name if symbol is not None else resolvable.callable_name
        detail = param.render() if param is not None else resolvable.param
        doc = (param.doc if param is not None else None) or f"Keyword argument of `{owner}`."
        return detail, doc
    completion = resolvable.completion
    assert completion is not None  # only keyword arguments come without one
    symbol = knowledge.symbol(str(completion.full_name)) if completion.full_name else None
    if symbol is not None and symbol.signature:
        return symbol.signature, symbol.doc or ""
    signatures = completion.get_signatures()
    detail = signatures[0].to_string() if signatures else str(completion.description)
    return detail, completion.docstring(raw=True) or ""

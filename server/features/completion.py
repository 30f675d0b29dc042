"""Completion: jedi against the runtime environment, lionagi-aware, documentation resolved lazily.

A jedi completion's `type` (function, class, module...) costs an inference
for names that come from other modules (for builtins, a round trip to the
runtime environment's interpreter). Those kinds never change while the server
runs, so they are cached process-wide; the names of the edited file are cheap
and computed each time. Documentation and signatures wait for
`completionItem/resolve`, for the one item the user looks at.

Inside a call to lionagi, keyword arguments come from the lionagi knowledge
(the real signature, read from the installed lionagi): jedi reads pydantic
models such as `Branch` as dataclasses and offers their fields instead. Where
a statement may start, the lionagi snippets come along (`snippet_completion`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from lionagi_playground.server.documents import Snapshot, cursor
from lionagi_playground.server.features import (
    lionagi_completion,
    snippet_completion,
    word_completion,
)
from lionagi_playground.server.knowledge import Knowledge

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer

log = logging.getLogger(__name__)

TRIGGER_CHARACTERS = [".", "'", '"', "(", ","]
MAX_RESOLVE_CACHE = 5000
COLD_BUDGET_S = 0.2
"""How long a document's first completion waits for jedi before the words of the file
answer instead (marked incomplete; jedi goes on, and answers the next request)."""

_KINDS: dict[str, types.CompletionItemKind] = {
    "module": types.CompletionItemKind.Module,
    "class": types.CompletionItemKind.Class,
    "instance": types.CompletionItemKind.Variable,
    "function": types.CompletionItemKind.Function,
    "param": types.CompletionItemKind.Variable,
    "path": types.CompletionItemKind.File,
    "keyword": types.CompletionItemKind.Keyword,
    "property": types.CompletionItemKind.Property,
    "statement": types.CompletionItemKind.Variable,
}

_foreign_kinds: dict[tuple[str, str], str] = {}
"""(module, name) -> jedi type, for names defined outside the edited file."""

_ids = itertools.count()
_IDENTIFIER_TAIL = re.compile(r"\w*$")


@dataclass(frozen=True)
class Resolvable:
    """What `completionItem/resolve` needs to document one item."""

    completion: Any | None
    """The jedi completion, or None for a lionagi keyword argument."""
    callable_name: str | None = None
    """For keyword arguments: the full name of the callable."""
    param: str | None = None


def _kind_of(completion: Any, own_module: str) -> str:
    module = completion.module_name or ""
    if module in (own_module, "__main__"):
        return str(completion.type)
    key = (module, completion.name)
    kind = _foreign_kinds.get(key)
    if kind is None:
        kind = _foreign_kinds[key] = str(completion.type)
    return kind


def _sort_text(name: str, kind: str, index: int) -> str:
    # Keyword arguments first (inside a call), then public names, then
    # _private and __dunder__ ones; jedi's own order within a group.
    if kind == "param":
        group = "0"
    elif name.startswith("__"):
        group = "3"
    elif name.startswith("_"):
        group = "2"
    else:
        group = "1"
    return f"{group}{index:05d}"


def _complete(
    server: PlaygroundServer,
    snap: Snapshot,
    line: int,
    column: int,
    knowledge: Knowledge,
    resolvables: dict[int, Resolvable],
) -> list[types.CompletionItem]:
    """Everything jedi does for one completion, on the jedi thread."""
    script = server.shared.jedi.script(snap.text, snap.path, snap.root)
    completions = script.complete(line, column)
    items: list[types.CompletionItem] = []
    lionagi_call: str | None = None
    before = snap.lines[line - 1][:column]
    typed = _IDENTIFIER_TAIL.search(before)
    word = typed.group(0) if typed else ""
    if not before[: len(before) - len(word)].rstrip().endswith("."):
        # Not an attribute: maybe an argument of a call to lionagi.
        signatures = script.get_signatures(line, column)
        full_name = signatures[0].full_name if signatures else None
        if full_name and knowledge.keyword_params(full_name):
            lionagi_call = full_name
            items += lionagi_completion.keyword_items(knowledge, full_name, word, resolvables, _ids)
    own_module = snap.path.rsplit("/", 1)[-1].removesuffix(".py") if snap.path else "__main__"
    for index, completion in enumerate(completions):
        kind = _kind_of(completion, own_module)
        if kind == "path" or (kind == "param" and lionagi_call is not None):
            continue
        key = next(_ids)
        resolvables[key] = Resolvable(completion)
        name = completion.name_with_symbols if kind == "param" else completion.name
        items.append(
            types.CompletionItem(
                label=name,
                kind=_KINDS.get(kind, types.CompletionItemKind.Text),
                sort_text=_sort_text(completion.name, kind, index),
                filter_text=completion.name,
                insert_text=name,
                data={"id": key},
            )
        )
    return items


def register(server: PlaygroundServer) -> None:
    resolvables: dict[int, Resolvable] = {}
    answered: set[str] = set()
    """Paths jedi has completed in: later completions there always wait for jedi."""

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True),
    )
    async def completion(
        ls: PlaygroundServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        at = cursor(ls.workspace, params)
        if at is None:
            return None
        knowledge = await ls.shared.analyzer.knowledge()
        special = lionagi_completion.string_items(at.snap.lines, at.line, at.column, knowledge)
        if special is not None:
            return types.CompletionList(is_incomplete=False, items=special)
        snippets = (
            snippet_completion.snippet_items(at.snap.lines, at.snap.text, at.line, at.column)
            if snippet_completion.supports_snippets(ls.client_capabilities)
            else []
        )
        if len(resolvables) > MAX_RESOLVE_CACHE:
            resolvables.clear()
        work = ls.shared.jedi.run(
            _complete, ls, at.snap, at.line, at.column, knowledge, resolvables
        )
        path = at.snap.path or at.snap.uri
        if path in answered:
            items = await work
        else:
            quick = await _within_budget(path, asyncio.ensure_future(work))
            if quick is None:
                words = word_completion.word_items(at.snap.lines, at.line, at.column)
                return types.CompletionList(is_incomplete=True, items=words + snippets)
            items = quick
        return types.CompletionList(is_incomplete=False, items=items + snippets)

    async def _within_budget(
        path: str, work: asyncio.Future[list[types.CompletionItem]]
    ) -> list[types.CompletionItem] | None:
        """jedi's items if they come within COLD_BUDGET_S, else None: jedi goes on, and once
        it has finished one completion in `path`, requests there wait for it."""

        def finished(task: asyncio.Future[list[types.CompletionItem]]) -> None:
            if task.cancelled():
                return
            if task.exception() is None:
                answered.add(path)
            else:
                log.info(
                    "completion in %s failed after the quick answer: %s", path, task.exception()
                )

        done, _ = await asyncio.wait([work], timeout=COLD_BUDGET_S)
        if done:
            answered.add(path)
            return work.result()
        work.add_done_callback(finished)
        return None

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def resolve(ls: PlaygroundServer, item: types.CompletionItem) -> types.CompletionItem:
        data = item.data if isinstance(item.data, dict) else {}
        key = data.get("id")
        resolvable = resolvables.get(key) if isinstance(key, int) else None
        if resolvable is None:
            return item
        knowledge = await ls.shared.analyzer.knowledge()
        detail, documentation = await ls.shared.jedi.run(
            lionagi_completion.resolve_details, resolvable, knowledge
        )
        item.detail = detail
        if documentation:
            item.documentation = types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=documentation
            )
        return item

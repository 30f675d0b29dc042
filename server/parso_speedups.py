"""Two of parso's tree walks, rewritten without recursion; same results, in the same order.

After every keystroke jedi re-parses the document with parso's diff parser, which shifts the
line of every leaf below the edit (`_update_positions`) and throws away the module's index
of names, rebuilt on first use by a full walk (`Module.get_used_names`). Both walks recurse
through every node and find the leaves by catching an `AttributeError` per leaf, which is
most of their cost: on the benchmark's 2,000-line module they were 9 ms of a 43 ms
completion after a keystroke (docs/benchmarks.md). parso offers no hook for either, so the
two functions are replaced (`install`) by loops over an explicit stack that visit the same
nodes in the same order. `tests/lsp/test_jedi_fast_path.py` checks them against parso's
own on random edits.

`install` also makes parso's on-disk cache of parsed modules (typeshed's stubs, the
runtime's modules) safe for several processes: parso writes a cache file in place, so a
server starting while another writes the same file reads half a pickle and jedi fails with
`EOFError: Ran out of input` (seen on a fresh clone, where every test server fills the cold
cache at once). Files are written to a temporary name and renamed into place, and a file that
cannot be read is a cache miss.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from typing import Any

import parso.cache as parso_cache
import parso.python.diff as parso_diff
from parso.python import tree as parso_tree
from parso.tree import BaseNode

_ORIGINAL_UPDATE_POSITIONS = parso_diff._update_positions
_ORIGINAL_GET_USED_NAMES = parso_tree.Module.get_used_names
_ORIGINAL_LOAD = parso_cache._load_from_file_system


def update_positions(nodes: list[Any], line_offset: int, last_leaf: Any) -> None:
    """parso's `_update_positions`: move every leaf of `nodes` down by `line_offset` lines,
    in tree order, stopping (by parso's exception) after `last_leaf`."""
    stack = list(reversed(nodes))
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        if isinstance(node, BaseNode):
            extend(reversed(node.children))
        else:
            node.line += line_offset
            if node is last_leaf:
                raise parso_diff._PositionUpdatingFinished


def get_used_names(module: Any) -> Any:
    """parso's `Module.get_used_names`: every `Name` leaf by its value, in tree order."""
    if module._used_names is None:
        names: dict[str, list[Any]] = {}
        stack = [module]
        pop, extend = stack.pop, stack.extend
        while stack:
            node = pop()
            if isinstance(node, BaseNode):
                extend(reversed(node.children))
            elif node.type == "name":
                same = names.get(node.value)
                if same is None:
                    names[node.value] = [node]
                else:
                    same.append(node)
        module._used_names = parso_tree.UsedNamesMapping(names)  # type: ignore[no-untyped-call]
    return module._used_names


def save_to_file_system(hashed_grammar: str, path: Any, item: Any, cache_path: Any = None) -> None:
    """parso's `_save_to_file_system`, atomically: readers see the old file or the new one."""
    target = parso_cache._get_hashed_path(hashed_grammar, path, cache_path=cache_path)  # type: ignore[no-untyped-call]
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            pickle.dump(item, out, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def load_from_file_system(
    hashed_grammar: str, path: Any, p_time: Any, cache_path: Any = None
) -> Any:
    """parso's `_load_from_file_system`; a truncated or corrupt file is a miss, not a crash."""
    try:
        return _ORIGINAL_LOAD(hashed_grammar, path, p_time, cache_path=cache_path)  # type: ignore[no-untyped-call]
    except (EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        return None


def install() -> bool:
    """Replace parso's two walks and harden its disk cache; False (and nothing changed) on a
    parso without them."""
    if not hasattr(parso_diff, "_PositionUpdatingFinished") or not hasattr(
        parso_tree, "UsedNamesMapping"
    ):
        return False
    if hasattr(parso_cache, "_save_to_file_system") and hasattr(parso_cache, "_get_hashed_path"):
        parso_cache._save_to_file_system = save_to_file_system
        parso_cache._load_from_file_system = load_from_file_system
    parso_diff._update_positions = update_positions
    parso_tree.Module.get_used_names = get_used_names  # type: ignore[method-assign]
    return True


def original_get_used_names(module: Any) -> Any:
    """parso's own walk (for the tests that compare the two)."""
    return _ORIGINAL_GET_USED_NAMES(module)  # type: ignore[no-untyped-call]


def original_update_positions(nodes: list[Any], line_offset: int, last_leaf: Any) -> None:
    _ORIGINAL_UPDATE_POSITIONS(nodes, line_offset, last_leaf)  # type: ignore[no-untyped-call]

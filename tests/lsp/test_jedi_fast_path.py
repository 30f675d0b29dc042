"""The fast path of completion after a keystroke answers exactly what a fresh jedi would.

The server keeps one jedi InferenceState across a document's versions, lets parso's diff
parser update the previous tree, and walks parso's trees with its own loops
(server/jedi_engine.py, server/parso_speedups.py). Each test here edits a document the way
people do, version after version, and compares the server's engine with a fresh
`jedi.Script` (a fresh InferenceState, a full parse, parso's own walks) on the same text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jedi
import parso
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parso.python import tree as parso_tree

from lionagi_playground.server import parso_speedups
from lionagi_playground.server.jedi_engine import JediEngine
from tests.lionagi_env import ENV

MODULE = '''"""A learner's module."""
import os
import json
import collections
from dataclasses import dataclass, field


@dataclass
class Record:
    name: str
    size: int = 0
    tags: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.name}:{self.size}"

    def grow(self, amount: int) -> int:
        self.size += amount
        return self.size


class Folder(Record):
    def children(self) -> list[Record]:
        return [Record(name) for name in os.listdir(self.name)]


def build(path: str) -> Record:
    record = Record(os.path.basename(path))
    data = json.dumps({"name": record.name})
    counts = collections.Counter(data)
    return record if counts else Folder(path)


def main() -> None:
    record = build("/tmp/x")
    folder = Folder("/tmp")
    text = record.describe()
    print(text, folder)
'''

NAMES = ["record", "folder", "text", "os", "json", "collections", "self", "Record", "data"]
STATEMENTS = [
    "record = Folder('/tmp')",
    "text = 3",
    "folder = json",
    "data = collections.OrderedDict()",
    "def helper(x): return x",
    "class Extra(Folder): pass",
    "import os.path as record",
    "if record:",
    "for text in data:",
    ")",
    "'''",
    "x = [",
]


@st.composite
def edits(draw: Any) -> list[tuple[str, int, str]]:
    """A few edits: (kind, line index, text)."""
    count = draw(st.integers(1, 4))
    out = []
    for _ in range(count):
        kind = draw(st.sampled_from(["insert", "replace", "delete"]))
        line = draw(st.integers(0, MODULE.count("\n") - 1))
        text = draw(st.sampled_from(STATEMENTS)) if kind != "delete" else ""
        out.append((kind, line, text))
    return out


def _apply(lines: list[str], kind: str, index: int, text: str) -> list[str]:
    index = min(index, len(lines) - 1)
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    if kind == "insert":
        return [*lines[:index], indent + text, *lines[index:]]
    if kind == "replace":
        return [*lines[:index], indent + text, *lines[index + 1 :]]
    return lines[:index] + lines[index + 1 :] if len(lines) > 1 else lines


@contextmanager
def _parso_as_released() -> Iterator[None]:
    """parso's own walks, for the reference answer."""
    ours = parso_tree.Module.get_used_names
    parso_tree.Module.get_used_names = parso_speedups.original_get_used_names  # type: ignore[method-assign]
    try:
        yield
    finally:
        parso_tree.Module.get_used_names = ours  # type: ignore[method-assign]


def _answer(script: Any, line: int, column: int) -> list[tuple[str, str]]:
    return [(c.name, c.type) for c in script.complete(line, column)]


class Reference:
    """A fresh jedi.Script per question, each at a new path (so that parso's cache of one
    question's tree is never what jedi's filters find for the next)."""

    def __init__(self, root: Path, environment: Any) -> None:
        self._root = root
        self._environment = environment
        self._count = itertools.count()

    def complete(self, text: str, line: int, column: int) -> list[tuple[str, str]]:
        folder = self._root / f"ref{next(self._count)}"
        folder.mkdir()
        with _parso_as_released():
            script = jedi.Script(
                text,
                path=folder / "learner.py",
                environment=self._environment,
                project=jedi.Project(folder, environment_path=self._environment.path),
            )
            return _answer(script, line, column)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=edits(), name=st.sampled_from(NAMES))
def test_completion_after_random_edits_is_what_a_fresh_jedi_answers(
    tmp_path_factory: Any, steps: list[tuple[str, int, str]], name: str
) -> None:
    root = tmp_path_factory.mktemp("fast")
    engine = JediEngine(ENV)
    try:
        environment = engine._thread.submit(lambda: engine._environment).result()
        reference = Reference(root, environment)
        path = str(root / "learner.py")
        lines = MODULE.splitlines()

        def both(text: str, line: int, column: int) -> tuple[Any, Any]:
            def fast() -> list[tuple[str, str]]:
                return _answer(engine.script(text, path, str(root)), line, column)

            ours = engine._thread.submit(fast).result()
            theirs = engine._thread.submit(reference.complete, text, line, column).result()
            return ours, theirs

        both("\n".join(lines) + "\n", 3, 0)  # the document as opened
        for kind, index, statement in steps:
            lines = _apply(lines, kind, index, statement)
            # then the keystroke: `name.` on a new line, completed at its end
            at = min(index, len(lines))
            indent = lines[at - 1][: len(lines[at - 1]) - len(lines[at - 1].lstrip())] if at else ""
            typed = [*lines[:at], f"{indent}{name}.", *lines[at:]]
            text = "\n".join(typed) + "\n"
            ours, theirs = both(text, at + 1, len(indent) + len(name) + 1)
            assert ours == theirs, f"after {kind} at {index}: {statement!r}, then {name}."
        assert engine.shared.made >= 1
    finally:
        engine.close()


def test_the_shared_inference_is_kept_across_versions_of_one_document(tmp_path: Path) -> None:
    engine = JediEngine(ENV)
    try:
        path, root = str(tmp_path / "learner.py"), str(tmp_path)

        def complete(text: str, line: int, column: int) -> list[str]:
            return [c.name for c in engine.script(text, path, root).complete(line, column)]

        lines = MODULE.splitlines()
        for i in range(5):
            text = "\n".join([*lines, f"record{i} = Record('a')", f"record{i}."]) + "\n"
            names = engine._thread.submit(complete, text, len(lines) + 2, 7 + len(str(i))).result()
            assert "describe" in names
            assert "grow" in names
        assert engine.shared.made == 1, "every version started a new InferenceState"

        # a second document of the same project gets a fresh one (its import of the first
        # must read the file, not the first one's unsaved text)
        other = str(tmp_path / "other.py")
        engine._thread.submit(engine.script, "import os\nos.", other, root).result()
        assert engine.shared.made == 2
    finally:
        engine.close()


def test_a_module_changed_on_disk_is_read_again(tmp_path: Path) -> None:
    """An imported module edited on disk (outside the project folder, as a package in the
    environment would be) is not answered from the state that read the old file."""
    library = tmp_path / "lib"
    library.mkdir()
    (library / "shapes.py").write_text("class Square:\n    def area(self): ...\n")
    project = tmp_path / "project"
    project.mkdir()
    engine = JediEngine(ENV)
    try:
        path, root = str(project / "learner.py"), str(project)
        text = (
            f"import sys\nsys.path.insert(0, {str(library)!r})\n"
            "from shapes import Square\nSquare()."
        )

        def complete(source: str) -> list[str]:
            script = engine.script(source, path, root)
            return [c.name for c in script.complete(4, len("Square()."))]

        first = engine._thread.submit(complete, text).result()
        (library / "shapes.py").write_text("class Square:\n    def perimeter(self): ...\n")
        second = engine._thread.submit(complete, text + "\n").result()
        assert "area" in first
        assert "perimeter" in second
        assert "area" not in second
    finally:
        engine.close()


@settings(max_examples=40, deadline=None)
@given(steps=edits())
def test_parsos_walks_rewritten_give_the_same_trees_and_names(
    steps: list[tuple[str, int, str]],
) -> None:
    grammar = parso.grammar.load_grammar()
    lines = MODULE.splitlines()
    path = Path("/nonexistent/walks.py")
    grammar.parse("\n".join(lines) + "\n", path=path, diff_cache=True, cache=False)
    for kind, index, statement in steps:
        lines = _apply(lines, kind, index, statement)
        text = "\n".join(lines) + "\n"
        updated = grammar.parse(text, path=path, diff_cache=True, cache=False)  # our walks
        fresh = grammar.parse(text)
        leaves = [(leaf.type, leaf.value, leaf.start_pos) for leaf in _leaves(updated)]
        assert leaves == [(leaf.type, leaf.value, leaf.start_pos) for leaf in _leaves(fresh)]
        ours = parso_speedups.get_used_names(updated)
        updated._used_names = None
        theirs = parso_speedups.original_get_used_names(updated)
        assert {k: [id(n) for n in v] for k, v in ours.items()} == {
            k: [id(n) for n in v] for k, v in theirs.items()
        }


def _leaves(node: Any) -> Iterator[Any]:
    leaf = node.get_first_leaf()
    while leaf is not None:
        yield leaf
        leaf = leaf.get_next_leaf()


def test_a_truncated_parso_cache_file_is_a_miss_not_a_crash(tmp_path: Path) -> None:
    """Several servers fill parso's cold disk cache at once (a fresh clone's test run): a
    half-written file must not break jedi (`EOFError: Ran out of input`)."""
    import parso.cache
    import parso.grammar

    assert parso_speedups.install()
    source = tmp_path / "module.py"
    source.write_text("def f():\n    return 1\n")
    cache = tmp_path / "cache"
    grammar = parso.grammar.load_grammar()
    grammar.parse(path=source, cache=True, cache_path=cache)
    files = [p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".")]
    pickles = [p for p in files if p.suffix == ".pkl"]
    assert pickles, files
    assert not [p for p in cache.rglob(".tmp-*")], "written atomically, nothing left behind"
    pickles[0].write_bytes(pickles[0].read_bytes()[:10])  # what a reader saw mid-write
    parso.cache.parser_cache.clear()
    module = grammar.parse(path=source, cache=True, cache_path=cache)
    assert [n.name.value for n in module.iter_funcdefs()] == ["f"]

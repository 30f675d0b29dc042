"""The lessons: read from `data/<id>/` (lesson.toml, starter/, solution/, check/) and validated.

A lesson is data, not code. Its folder holds:

- `lesson.toml`: title, language, category, difficulty, order, summary, description
  (Markdown), entry, hints (revealed one at a time) and `[check]` (see `check.Check`);
- `starter/`: the files the learner starts from (the entry among them);
- `solution/`: the files that solve it (laid over the starter's);
- `check/` (optional): files added to the learner's for the check run, such as a small
  test that imports the learner's code.

Anything out of shape raises `LessonDataError` naming the lesson and the problem, so a bad
lesson fails a test instead of reaching a learner.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from lionagi_playground.sandbox.datasets import reserved
from lionagi_playground.sandbox.errors import InvalidRequestError
from lionagi_playground.sandbox.request import check_path
from lionagi_playground.server.lessons.check import Check, Expectation, ExpectationKind

DATA_DIR = Path(__file__).resolve().parent / "data"

LANGUAGES = {"python": (".py",), "javascript": (".js", ".mjs", ".cjs"), "bash": (".sh",)}
"""The sandbox's runtimes (sandbox/runtimes.py) and the extensions their entries have."""
CATEGORIES = ("lionagi", "basics", "data")
"""In the order a list shows them."""
DIFFICULTIES = ("beginner", "intermediate", "advanced")

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LESSON_KEYS = {
    "title",
    "language",
    "category",
    "difficulty",
    "order",
    "summary",
    "description",
    "entry",
    "hints",
    "check",
}
_CHECK_KEYS = {"expect", "stdout", "exit_code", "displays", "stdin", "entry", "success"}
_KINDS: tuple[ExpectationKind, ...] = ("line", "pattern", "contains")


class LessonDataError(ValueError):
    """A lesson's data is out of shape (says which lesson and what)."""


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    language: str
    category: str
    difficulty: str
    order: int
    summary: str
    description: str
    entry: str
    hints: tuple[str, ...]
    starter: dict[str, str]
    solution: dict[str, str]
    """The solution's files laid over the starter's: what a solved workspace holds."""
    check: Check


@dataclass(frozen=True)
class Catalog:
    lessons: tuple[Lesson, ...]
    """In list order: category, then difficulty, then `order`."""

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self.lessons)

    def get(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


@cache
def load_catalog(folder: Path = DATA_DIR) -> Catalog:
    """Every lesson under `folder` (read once per process)."""
    if not folder.is_dir():
        raise LessonDataError(f"no lessons folder at {folder}")
    lessons = [read_lesson(path) for path in sorted(folder.iterdir()) if path.is_dir()]
    if not lessons:
        raise LessonDataError(f"no lessons in {folder}")
    lessons.sort(
        key=lambda x: (CATEGORIES.index(x.category), DIFFICULTIES.index(x.difficulty), x.order)
    )
    return Catalog(tuple(lessons))


def read_lesson(folder: Path) -> Lesson:
    lesson_id = folder.name
    if not _ID.fullmatch(lesson_id):
        raise LessonDataError(f"lesson folder {lesson_id!r}: ids are lowercase words and dashes")
    try:
        data = tomllib.loads((folder / "lesson.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LessonDataError(f"lesson {lesson_id}: lesson.toml: {error}") from None
    fields = _Fields(lesson_id, "lesson.toml", data, _LESSON_KEYS)
    language = fields.choice("language", tuple(LANGUAGES))
    entry = fields.text("entry")
    if PurePosixPath(entry).suffix not in LANGUAGES[language]:
        raise LessonDataError(f"lesson {lesson_id}: entry {entry!r} is not a {language} file")
    starter = _files(lesson_id, folder / "starter")
    solution = {**starter, **_files(lesson_id, folder / "solution")}
    if entry not in starter:
        raise LessonDataError(f"lesson {lesson_id}: entry {entry!r} is not in starter/")
    if solution == starter:
        raise LessonDataError(f"lesson {lesson_id}: solution/ changes nothing of starter/")
    hints = fields.texts("hints")
    if not hints:
        raise LessonDataError(f"lesson {lesson_id}: give at least one hint")
    check = _check(lesson_id, fields.table("check"), _files(lesson_id, folder / "check", True))
    if check.entry is not None and check.entry not in check.files:
        raise LessonDataError(f"lesson {lesson_id}: check entry {check.entry!r} is not in check/")
    if set(check.files) & set(solution):
        raise LessonDataError(f"lesson {lesson_id}: check/ files must not replace lesson files")
    order = fields.get("order", int)
    return Lesson(
        id=lesson_id,
        title=fields.text("title"),
        language=language,
        category=fields.choice("category", CATEGORIES),
        difficulty=fields.choice("difficulty", DIFFICULTIES),
        order=order,
        summary=fields.text("summary"),
        description=fields.text("description").strip() + "\n",
        entry=entry,
        hints=hints,
        starter=starter,
        solution=solution,
        check=check,
    )


def _files(lesson_id: str, folder: Path, optional: bool = False) -> dict[str, str]:
    if not folder.is_dir():
        if optional:
            return {}
        raise LessonDataError(f"lesson {lesson_id}: {folder.name}/ is missing")
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        name = path.relative_to(folder).as_posix()
        try:
            check_path(name)
        except InvalidRequestError as error:
            raise LessonDataError(f"lesson {lesson_id}: {folder.name}/: {error}") from None
        if reserved(PurePosixPath(name)):
            raise LessonDataError(f"lesson {lesson_id}: {folder.name}/{name} is in examples/")
        try:
            files[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise LessonDataError(
                f"lesson {lesson_id}: {folder.name}/{name} is not UTF-8"
            ) from None
    if not files and not optional:
        raise LessonDataError(f"lesson {lesson_id}: {folder.name}/ is empty")
    return files


def _check(lesson_id: str, data: Mapping[str, Any], files: dict[str, str]) -> Check:
    fields = _Fields(lesson_id, "[check]", data, _CHECK_KEYS)
    expect = []
    for number, item in enumerate(fields.get("expect", list, []), start=1):
        expect.append(_expectation(lesson_id, number, item))
    stdout = fields.get("stdout", str, None)
    displays = fields.texts("displays") if "displays" in data else ()
    if not expect and stdout is None and not displays:
        raise LessonDataError(f"lesson {lesson_id}: [check] needs expect, stdout or displays")
    exit_code = fields.get("exit_code", int, 0)
    return Check(
        expect=tuple(expect),
        stdout=stdout,
        exit_code=exit_code,
        displays=displays,
        stdin=fields.get("stdin", str, None),
        entry=fields.get("entry", str, None),
        files=files,
        success=fields.get("success", str, Check.success),
    )


def _expectation(lesson_id: str, number: int, item: object) -> Expectation:
    where = f"lesson {lesson_id}: [[check.expect]] {number}"
    if not isinstance(item, dict):
        raise LessonDataError(f"{where} must be a table")
    kinds = [kind for kind in _KINDS if kind in item]
    unknown = set(item) - {*_KINDS, "why"}
    if len(kinds) != 1 or unknown:
        raise LessonDataError(f"{where} needs exactly one of {', '.join(_KINDS)} (and why)")
    kind = kinds[0]
    value, why = item[kind], item.get("why")
    if not isinstance(value, str) or not value or not isinstance(why, str | None):
        raise LessonDataError(f"{where}: {kind} and why must be text")
    if kind == "pattern":
        try:
            re.compile(value)
        except re.error as error:
            raise LessonDataError(f"{where}: bad pattern {value!r}: {error}") from None
    return Expectation(kind, value, why)


class _Fields:
    """Typed access to one TOML table, refusing keys nobody reads."""

    def __init__(self, lesson_id: str, where: str, data: Mapping[str, Any], known: set[str]):
        self.lesson_id, self.where, self.data = lesson_id, where, data
        unknown = sorted(set(data) - known)
        if unknown:
            raise LessonDataError(f"lesson {lesson_id}: {where}: unknown key {unknown[0]!r}")

    def _error(self, key: str, what: str) -> LessonDataError:
        return LessonDataError(f"lesson {self.lesson_id}: {self.where}: {key} {what}")

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self._error(key, "is missing")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
            raise self._error(key, f"must be {kind.__name__}, not {type(value).__name__}")
        return value

    def text(self, key: str) -> str:
        value: str = self.get(key, str)
        if not value.strip():
            raise self._error(key, "is empty")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list)
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self._error(key, "must be a list of non-empty strings")
        return tuple(values)

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self._error(key, f"is {value!r}; one of {', '.join(allowed)}")
        return value

    def table(self, key: str) -> Mapping[str, Any]:
        value: Mapping[str, Any] = self.get(key, dict)
        return value

"""Reading the `playground/templates*` methods' params from JSON, strictly, saying what was wrong.

Every check here fails with `TemplateParamsError`, which the handlers answer as JSON-RPC
InvalidParams (docs/protocol.md, "Lessons and templates").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lionagi_playground.server.lessons.catalog import (
    CATEGORIES,
    DIFFICULTIES,
    LANGUAGES,
    Catalog,
    Lesson,
)

MAX_OUTPUT_CHARS = 16 * 1024 * 1024
"""What a run may print at most (the server's `outputBytes` maximum)."""
MAX_DISPLAYS = 1000

LIST = "playground/templates"
GET = "playground/templates/get"
HINT = "playground/templates/hint"
SOLUTION = "playground/templates/solution"
CHECK = "playground/templates/check"


class TemplateParamsError(ValueError):
    """Params that do not fit their method (answered with InvalidParams)."""


@dataclass(frozen=True)
class ListParams:
    language: str | None
    category: str | None
    difficulty: str | None


@dataclass(frozen=True)
class HintParams:
    lesson: Lesson
    index: int


@dataclass(frozen=True)
class CheckParams:
    lesson: Lesson
    stdout: str
    stderr: str
    exit_code: int | None
    exit_given: bool
    displays: tuple[str, ...] | None


def list_params(raw: object) -> ListParams:
    values = _object(raw, LIST, {"language", "category", "difficulty"}, optional=True)
    return ListParams(
        language=_choice(values, "language", tuple(LANGUAGES)),
        category=_choice(values, "category", CATEGORIES),
        difficulty=_choice(values, "difficulty", DIFFICULTIES),
    )


def lesson_params(raw: object, method: str, catalog: Catalog) -> Lesson:
    """`{id}`: the lesson it names (for `get` and `solution`)."""
    return _lesson(_object(raw, method, {"id"}), catalog)


def hint_params(raw: object, catalog: Catalog) -> HintParams:
    values = _object(raw, HINT, {"id", "index"})
    lesson = _lesson(values, catalog)
    index = values.get("index")
    if isinstance(index, bool) or not isinstance(index, int):
        raise TemplateParamsError(
            f"`index` must be an integer (0 is the first hint), got {_type(index)}"
        )
    if not 0 <= index < len(lesson.hints):
        raise TemplateParamsError(
            f"lesson {lesson.id!r} has {len(lesson.hints)} hints: `index` is 0 to "
            f"{len(lesson.hints) - 1}, got {index}"
        )
    return HintParams(lesson, index)


def check_params(raw: object, catalog: Catalog) -> CheckParams:
    values = _object(raw, CHECK, {"id", "stdout", "stderr", "exitCode", "displays"})
    lesson = _lesson(values, catalog)
    stdout = _text(values, "stdout", required=True)
    stderr = _text(values, "stderr", required=False)
    exit_given = "exitCode" in values
    exit_code = values.get("exitCode")
    if exit_code is not None and (isinstance(exit_code, bool) or not isinstance(exit_code, int)):
        raise TemplateParamsError(
            f"`exitCode` must be an integer, or null for a run that did not exit by itself; "
            f"got {_type(exit_code)}"
        )
    displays = _displays(values.get("displays"))
    if lesson.check.displays and displays is None:
        raise TemplateParamsError(
            f"lesson {lesson.id!r} checks what the run showed: send `displays`, the `mime` of "
            "each playground/display of the run ([] for none)"
        )
    return CheckParams(lesson, stdout, stderr, exit_code, exit_given, displays)


def _object(
    raw: object, method: str, known: set[str], *, optional: bool = False
) -> Mapping[str, Any]:
    if raw is None and optional:
        return {}
    if not isinstance(raw, Mapping):
        raise TemplateParamsError(f"the params of {method} must be an object, got {_type(raw)}")
    unknown = sorted(str(key) for key in raw if key not in known and key != "workDoneToken")
    if unknown:
        raise TemplateParamsError(
            f"unknown field {unknown[0]!r} in {method}; known: {', '.join(sorted(known))}"
        )
    return raw


def _lesson(values: Mapping[str, Any], catalog: Catalog) -> Lesson:
    lesson_id = values.get("id")
    if not isinstance(lesson_id, str) or not lesson_id:
        raise TemplateParamsError(
            f"`id` must be a lesson's id (a string from {LIST}), got {_type(lesson_id)}"
        )
    lesson = catalog.get(lesson_id)
    if lesson is None:
        raise TemplateParamsError(
            f"no lesson {lesson_id[:80]!r}; playground/templates lists the lessons"
        )
    return lesson


def _choice(values: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise TemplateParamsError(
            f"`{key}` must be one of {', '.join(allowed)}, got {_shown(value)}"
        )
    return value


def _text(values: Mapping[str, Any], key: str, *, required: bool) -> str:
    value = values.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        what = "is required: the run's" if value is None else "must be the run's"
        raise TemplateParamsError(f"`{key}` {what} {key} as one string, got {_type(value)}")
    if len(value) > MAX_OUTPUT_CHARS:
        raise TemplateParamsError(f"`{key}` is longer than {MAX_OUTPUT_CHARS} characters")
    return value


def _displays(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_DISPLAYS:
        raise TemplateParamsError(
            f"`displays` must be a list of at most {MAX_DISPLAYS} MIME types, got {_type(value)}"
        )
    for item in value:
        if not isinstance(item, str) or not 0 < len(item) <= 200:
            raise TemplateParamsError(
                f'`displays` holds MIME types such as "image/png", got {_shown(item)}'
            )
    return tuple(value)


def _type(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string" if value else "an empty string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _shown(value: object) -> str:
    return repr(value)[:60] if isinstance(value, str) else _type(value)

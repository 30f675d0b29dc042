"""The lesson data: what the catalog must cover, and bad data failing loudly with its reason."""

from __future__ import annotations

import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from lionagi_playground.sandbox.runtimes import available_runtimes
from lionagi_playground.server.lessons import (
    CATEGORIES,
    DIFFICULTIES,
    LANGUAGES,
    LessonDataError,
    load_catalog,
)
from lionagi_playground.server.lessons.catalog import DATA_DIR, read_lesson

CATALOG = load_catalog()
REPO = Path(__file__).resolve().parents[2]


def solution_text(lesson_id: str) -> str:
    lesson = CATALOG.get(lesson_id)
    assert lesson is not None, f"no lesson {lesson_id}"
    return "\n".join(lesson.solution.values())


@pytest.mark.parametrize(
    ("lesson_id", "teaches"),
    [
        ("lionagi-first-chat", r"await branch\.communicate\("),
        ("lionagi-memory", r"communicate\(.*\n.*communicate\("),
        ("lionagi-structured-output", r"operate\(\s*instruction=.*response_format=Recipe"),
        ("lionagi-tools", r"tools=\[multiply\].*\n.*operate\(.*actions=True"),
        ("lionagi-react", r"\.ReAct\(\s*\{\"instruction\""),
        ("lionagi-writer-critic", r"session\.new_branch\(name=\"writer\""),
        ("lionagi-builder-flow", r"Builder\(.*[\s\S]*depends_on=\[day, dish\][\s\S]*session\.flow"),
        ("lionagi-streaming", r"async for chunk in model\.stream\("),
        ("python-plot", r"plt\.show\(\)"),
        ("python-input", r"input\("),
        ("data-pandas-table", r"pd\.read_csv\(\"examples/sales\.csv\"\)"),
        ("data-sklearn-classifier", r"\.fit\(X_train, y_train\)"),
        ("data-seaborn-chart", r"sns\.lineplot\("),
        ("javascript-fizzbuzz", r"module\.exports"),
        ("bash-csv-counts", r"uniq -c"),
    ],
)
def test_the_catalog_teaches_what_the_playground_promises(lesson_id: str, teaches: str) -> None:
    assert re.search(teaches, solution_text(lesson_id)), f"{lesson_id} does not use {teaches}"


def test_every_language_and_at_least_eight_lionagi_lessons() -> None:
    assert {lesson.language for lesson in CATALOG} == set(LANGUAGES)
    assert set(LANGUAGES) <= set(available_runtimes()), "a lesson language the sandbox lacks"
    assert sum(lesson.category == "lionagi" for lesson in CATALOG) >= 8
    assert {lesson.category for lesson in CATALOG} == set(CATEGORIES)
    assert {lesson.difficulty for lesson in CATALOG} == set(DIFFICULTIES)


def test_the_list_order_is_category_then_difficulty_then_order() -> None:
    keys = [
        (CATEGORIES.index(x.category), DIFFICULTIES.index(x.difficulty), x.order) for x in CATALOG
    ]
    assert keys == sorted(keys)
    assert len({lesson.id for lesson in CATALOG}) == len(CATALOG.lessons)


def test_each_lesson_is_complete() -> None:
    for lesson in CATALOG:
        assert lesson.entry in lesson.starter
        assert lesson.entry in lesson.solution
        assert lesson.hints
        assert lesson.description.strip()
        assert lesson.summary
        assert lesson.solution != lesson.starter


# -- bad data ---------------------------------------------------------------------------------

Damage = Callable[[Path], None]


def edit_toml(old: str, new: str) -> Damage:
    def damage(folder: Path) -> None:
        toml = folder / "lesson.toml"
        text = toml.read_text()
        assert old in text, f"{old!r} is not in the lesson to damage"
        toml.write_text(text.replace(old, new, 1))

    return damage


def remove(name: str) -> Damage:
    def damage(folder: Path) -> None:
        target = folder / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()

    return damage


def write(name: str, text: str) -> Damage:
    def damage(folder: Path) -> None:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)

    return damage


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (edit_toml('language = "python"', 'language = "ruby"'), "language is 'ruby'; one of"),
        (edit_toml('category = "lionagi"', 'category = "misc"'), "category is 'misc'"),
        (edit_toml('difficulty = "beginner"', 'difficulty = "easy"'), "difficulty is 'easy'"),
        (edit_toml("order = 1", 'order = "1"'), "order must be int, not str"),
        (edit_toml("order = 1", "order = true"), "order must be int, not bool"),
        (edit_toml('entry = "main.py"', 'entry = "main.js"'), "is not a python file"),
        (edit_toml('entry = "main.py"', 'entry = "other.py"'), "'other.py' is not in starter/"),
        (edit_toml('title = "Your first chat"', 'titel = "x"'), "unknown key 'titel'"),
        (edit_toml('title = "Your first chat"\n', ""), "title is missing"),
        (edit_toml('title = "Your first chat"', 'title = "  "'), "title is empty"),
        (edit_toml("hints = [", "hints = [ 3,"), "hints must be a list of non-empty strings"),
        (edit_toml("[check]", "[check]\nexit = 1"), "[check]: unknown key 'exit'"),
        (edit_toml('line = "messages: 3"', 'lines = "messages: 3"'), "needs exactly one of"),
        (edit_toml(r"pattern = '.*\S.*'", "pattern = '(unclosed'"), "bad pattern '(unclosed'"),
        (edit_toml(r"pattern = '.*\S.*'", "pattern = 3"), "pattern and why must be text"),
        (edit_toml("[check]", "[check]\nentry = 'check.py'"), "check entry 'check.py' is not"),
        (edit_toml("[check]", "[oops"), "lesson.toml: "),
        (remove("starter"), "starter/ is missing"),
        (remove("solution/main.py"), "solution/ is empty"),
        (remove("lesson.toml"), "lesson.toml: "),
        (write("check/main.py", "print()\n"), "check/ files must not replace lesson files"),
        (write("starter/examples/data.csv", "a\n"), "starter/examples/data.csv is in examples/"),
        (write("solution/bad\\name.py", ""), "control character or backslash"),
    ],
)
def test_bad_lesson_data_fails_loudly(tmp_path: Path, damage: Damage, message: str) -> None:
    folder = tmp_path / "lionagi-first-chat"
    shutil.copytree(DATA_DIR / "lionagi-first-chat", folder)
    damage(folder)
    with pytest.raises(LessonDataError, match=re.escape(message)) as caught:
        read_lesson(folder)
    assert "lesson lionagi-first-chat" in str(caught.value)


def test_a_solution_equal_to_the_starter_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "lionagi-first-chat"
    shutil.copytree(DATA_DIR / "lionagi-first-chat", folder)
    shutil.copy(folder / "starter" / "main.py", folder / "solution" / "main.py")
    with pytest.raises(LessonDataError, match="solution/ changes nothing"):
        read_lesson(folder)


def test_bad_folder_names_and_empty_catalogs_are_refused(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR / "lionagi-first-chat", tmp_path / "First Chat")
    with pytest.raises(LessonDataError, match="ids are lowercase words and dashes"):
        load_catalog(tmp_path)
    with pytest.raises(LessonDataError, match="no lessons in"):
        load_catalog(tmp_path / "First Chat" / "starter")
    with pytest.raises(LessonDataError, match="no lessons folder"):
        load_catalog(tmp_path / "missing")


def test_every_lesson_file_ships_in_the_wheel() -> None:
    """pyproject's package data must name every file of the lessons and the example datasets
    (a file it misses works in the checkout and is absent once installed)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]
    shipped: set[Path] = set()
    for package, folder in (
        ("lionagi_playground.server.lessons", REPO / "server" / "lessons"),
        ("lionagi_playground.sandbox", REPO / "sandbox"),
    ):
        for pattern in package_data[package]:
            shipped |= {path for path in folder.glob(pattern) if path.is_file()}
    wanted = {
        path
        for path in [*DATA_DIR.rglob("*"), *(REPO / "sandbox" / "examples").iterdir()]
        if path.is_file() and "__pycache__" not in path.parts
    }
    wanted.add(REPO / "server" / "lessons" / "snippets.toml")
    assert wanted - shipped == set()

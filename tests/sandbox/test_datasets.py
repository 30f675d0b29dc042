"""The example datasets: committed exactly as the generator makes them, and sensible tables."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

from lionagi_playground.sandbox.datasets import EXAMPLES_DIR, generate


def test_the_committed_files_are_what_the_generator_makes() -> None:
    """Regenerate with `python -m lionagi_playground.sandbox.datasets` after changing it."""
    made = generate()
    committed = {path.name: path.read_text(encoding="utf-8") for path in EXAMPLES_DIR.iterdir()}
    assert committed == made


def test_the_generator_gives_the_same_bytes_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """No dependence on hash seeds or process state: a new process writes the same files."""
    subprocess.run(
        [sys.executable, "-m", "lionagi_playground.sandbox.datasets", str(tmp_path)],
        check=True,
        capture_output=True,
        env={"PYTHONHASHSEED": "random", "PATH": "/usr/bin:/bin"},
    )
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == generate()


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(generate()[name])))


def test_the_tables_have_the_shapes_the_lessons_rely_on() -> None:
    flowers = rows("flowers.csv")
    assert len(flowers) == 150
    assert Counter(row["species"] for row in flowers) == {
        "setosa": 50,
        "versicolor": 50,
        "virginica": 50,
    }
    assert all(float(row[key]) > 0 for row in flowers for key in row if key != "species")
    sales = rows("sales.csv")
    assert len(sales) == 12 * 4 * 3
    assert all(20 <= int(row["units"]) <= 120 for row in sales)
    temperatures = rows("temperatures.csv")
    by_town: dict[str, list[float]] = {}
    for row in temperatures:
        by_town.setdefault(row["town"], []).append(float(row["temperature_c"]))
    assert sorted(by_town) == ["Lima", "Oslo", "Rome"]
    # The seasons are there: Oslo is warmer in July than in January, Lima the other way.
    assert by_town["Oslo"][6] > by_town["Oslo"][0] + 10
    assert by_town["Lima"][6] < by_town["Lima"][0]

"""The example datasets every run sees read-only at `/workspace/examples`.

A few small CSV files the lessons read (pandas, scikit-learn, plots, bash). They are made
here, deterministically, from a seeded generator (`python -m lionagi_playground.sandbox.datasets`
writes them) and committed under `sandbox/examples/`; a test checks that the committed files
are exactly what the generator makes. The numbers are synthetic: they look like the real
thing (iris-like flowers, a year of sales, monthly temperatures) but measure nothing.

Both backends mount the folder read-only over the workspace: bubblewrap with `--ro-bind`,
docker with a read-only bind mount. So a workspace may not hold files of its own under
`examples/` (the request says so; a folder read from disk leaves it out).
"""

from __future__ import annotations

import csv
import io
import math
import random
import sys
from pathlib import Path, PurePosixPath

from lionagi_playground.sandbox.runtimes import WORKSPACE

EXAMPLES_NAME = "examples"
"""The workspace folder the datasets appear in (reserved in every run's workspace)."""

EXAMPLES_IN_RUN = WORKSPACE / EXAMPLES_NAME
EXAMPLES_DIR = Path(__file__).resolve().parent / EXAMPLES_NAME
"""The committed datasets on the host (package data of `lionagi_playground.sandbox`)."""

_SPECIES = {
    # species: (sepal length, sepal width, petal length, petal width), means and spreads in cm
    "setosa": ((5.0, 0.35), (3.4, 0.38), (1.5, 0.17), (0.25, 0.1)),
    "versicolor": ((5.9, 0.5), (2.8, 0.31), (4.3, 0.47), (1.3, 0.2)),
    "virginica": ((6.6, 0.64), (3.0, 0.32), (5.5, 0.55), (2.0, 0.27)),
}
_REGIONS = ("North", "South", "East", "West")
_PRODUCTS = {"Tea": 4.5, "Coffee": 6.0, "Cocoa": 5.25}
_TOWNS = {"Oslo": (5.0, 9.5), "Rome": (15.5, 8.0), "Lima": (19.0, -3.5)}
"""town: (yearly mean in C, half the summer-winter swing; negative in the south)."""


def _table(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _flowers(rng: random.Random) -> str:
    rows: list[list[object]] = []
    for species, shape in _SPECIES.items():
        for _ in range(50):
            sizes = [max(0.1, round(rng.gauss(mean, spread), 1)) for mean, spread in shape]
            rows.append([*sizes, species])
    rng.shuffle(rows)
    return _table(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"], rows)


def _sales(rng: random.Random) -> str:
    rows: list[list[object]] = []
    for month in range(1, 13):
        for region in _REGIONS:
            for product, price in _PRODUCTS.items():
                units = rng.randint(20, 120)
                rows.append([f"2025-{month:02d}", region, product, units, f"{price:.2f}"])
    return _table(["month", "region", "product", "units", "unit_price"], rows)


def _temperatures(rng: random.Random) -> str:
    rows: list[list[object]] = []
    for month in range(1, 13):
        season = -math.cos((month - 1) / 12 * 2 * math.pi)  # -1 in January, 1 in July
        for town, (mean, swing) in _TOWNS.items():
            value = mean + swing * season + rng.uniform(-1.0, 1.0)
            rows.append([month, town, f"{value:.1f}"])
    return _table(["month", "town", "temperature_c"], rows)


def generate() -> dict[str, str]:
    """Every dataset, by file name: the same text on every machine and Python."""
    return {
        "flowers.csv": _flowers(random.Random(1)),
        "sales.csv": _sales(random.Random(2)),
        "temperatures.csv": _temperatures(random.Random(3)),
    }


def reserved(name: PurePosixPath) -> bool:
    """Whether a workspace file name is the example datasets' folder or inside it."""
    return name.parts[:1] == (EXAMPLES_NAME,)


def write(folder: Path = EXAMPLES_DIR) -> list[Path]:
    """(Re)write the datasets into `folder`; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLES_DIR):
        print(path)

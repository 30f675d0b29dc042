"""Reading and writing cgroup control files (v1 and v2 alike): a missing file reads as empty."""

from __future__ import annotations

import contextlib
from pathlib import Path


def read(path: Path) -> str:
    with contextlib.suppress(OSError):
        return path.read_text()
    return ""


def write(path: Path, value: str) -> None:
    path.write_text(value)


def integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return 0


def keyed(text: str, key: str) -> int:
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            return integer(value)
    return 0

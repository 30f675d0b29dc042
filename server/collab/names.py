"""File names in a playground: relative POSIX paths a browser, an editor and a sandbox all
accept. Checked on every create and rename; the error says what is wrong with the name."""

from __future__ import annotations

import unicodedata

MAX_PATH = 200
MAX_SEGMENT = 100
MAX_DEPTH = 8
MAX_FILES = 200
MAX_FILE_UNITS = 1_000_000
"""A shared file's size bound, in UTF-16 units (about 1 MB of text): what a lesson or a
program needs, and what keeps a join answer inside one WebSocket frame."""


class FileNameError(ValueError):
    """A file name the playground cannot hold; the message says why."""


def check_name(path: object) -> str:
    """The path if it is a good file name, else FileNameError saying why."""
    if not isinstance(path, str):
        raise FileNameError(f"a file name is a string, not {type(path).__name__}")
    if not path:
        raise FileNameError("a file name cannot be empty")
    if len(path) > MAX_PATH:
        raise FileNameError(f"a file name is at most {MAX_PATH} characters, this one {len(path)}")
    if path.startswith("/") or "\\" in path:
        raise FileNameError(f"{path!r}: a file name is relative, with / between folders")
    for character in path:
        if unicodedata.category(character) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise FileNameError(f"{path!r}: a file name cannot hold control characters")
    segments = path.split("/")
    if len(segments) > MAX_DEPTH:
        raise FileNameError(f"{path!r}: at most {MAX_DEPTH} folders deep")
    for segment in segments:
        if segment in ("", ".", ".."):
            raise FileNameError(f"{path!r}: empty, '.' and '..' parts are not allowed")
        if len(segment) > MAX_SEGMENT:
            raise FileNameError(f"{path!r}: each part is at most {MAX_SEGMENT} characters")
        if segment != segment.strip():
            raise FileNameError(f"{path!r}: a part cannot start or end with a space")
    return path

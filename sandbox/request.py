"""A run request: the workspace files, the entry, stdin and limits, checked before anything runs.

File names are the attack surface here, so they are strict: relative POSIX paths of ordinary
characters, no `..`, no absolute paths, no NUL, bounded in length, count and total size.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lionagi_playground.sandbox.datasets import EXAMPLES_IN_RUN, EXAMPLES_NAME, reserved
from lionagi_playground.sandbox.errors import InvalidRequestError
from lionagi_playground.sandbox.limits import DEFAULT_LIMITS, Limits

MAX_FILES = 100
MAX_PATH_CHARS = 255
MAX_PART_CHARS = 100
MAX_DEPTH = 8
MAX_FILE_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024
MAX_STDIN_BYTES = 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")

RUN_ENV_NAMES = frozenset({"PLAYGROUND_LIONAGI_OFFLINE", "PLAYGROUND_LIONAGI_RECORD"})
"""The runtime package's switches a request may set (online and recording, docs/trace.md)."""
API_KEY_NAME = re.compile(r"[A-Z][A-Z0-9_]*_API_KEY")
MAX_ENV = 16
MAX_ENV_VALUE_CHARS = 512
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")


@dataclass(frozen=True)
class RunRequest:
    """What to run. `stdin=None` keeps stdin open for `write_stdin`; a string is sent, then EOF."""

    files: Mapping[str, str]
    entry: str
    language: str | None = None
    stdin: str | None = None
    limits: Limits = DEFAULT_LIMITS
    session: str = "default"
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Added to the program's environment over the runtime's: model API keys (`*_API_KEY`)
    and the runtime package's switches (`RUN_ENV_NAMES`). Never logged, shown or put on a
    command line (bubblewrap reads it from a file descriptor)."""

    def __post_init__(self) -> None:
        validate_files(self.files)
        entry = check_path(self.entry)
        if str(entry) not in {str(check_path(name)) for name in self.files}:
            raise InvalidRequestError(f"entry {self.entry!r} is not one of the files")
        if self.stdin is not None:
            if not isinstance(self.stdin, str):
                raise InvalidRequestError("stdin must be text")
            if len(self.stdin.encode("utf-8", "surrogatepass")) > MAX_STDIN_BYTES:
                raise InvalidRequestError(f"stdin is larger than {MAX_STDIN_BYTES} bytes")
        if not isinstance(self.limits, Limits):
            raise InvalidRequestError("limits must be a Limits (use limits.clamp on client input)")
        if not isinstance(self.session, str) or not self.session:
            raise InvalidRequestError("session must be a non-empty string")
        validate_env(self.env)

    @property
    def entry_path(self) -> PurePosixPath:
        return check_path(self.entry)


def check_path(name: object) -> PurePosixPath:
    """A workspace-relative path, or `InvalidRequestError` saying what is wrong with it."""
    if not isinstance(name, str):
        raise InvalidRequestError(f"file names must be strings, got {type(name).__name__}")
    shown = repr(name[:80])
    if not name:
        raise InvalidRequestError("a file name is empty")
    if len(name) > MAX_PATH_CHARS:
        raise InvalidRequestError(f"file name {shown} is longer than {MAX_PATH_CHARS} characters")
    if "\x00" in name:
        raise InvalidRequestError(f"file name {shown} contains a NUL character")
    if _CONTROL.search(name):
        raise InvalidRequestError(f"file name {shown} contains a control character or backslash")
    if name.startswith("/"):
        raise InvalidRequestError(f"file name {shown} is absolute; use a relative path")
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise InvalidRequestError(f"file name {shown} has an empty, '.' or '..' part")
    if len(parts) > MAX_DEPTH:
        raise InvalidRequestError(f"file name {shown} is nested deeper than {MAX_DEPTH} folders")
    if any(len(part) > MAX_PART_CHARS for part in parts):
        raise InvalidRequestError(f"file name {shown} has a part longer than {MAX_PART_CHARS}")
    return PurePosixPath(name)


def validate_files(files: object) -> None:
    """Check the whole workspace: names, count, sizes, and no file doubling as a folder."""
    if not isinstance(files, Mapping):
        raise InvalidRequestError("files must be a mapping of relative path to text")
    if not files:
        raise InvalidRequestError("a run needs at least one file")
    if len(files) > MAX_FILES:
        raise InvalidRequestError(f"a run may have at most {MAX_FILES} files, got {len(files)}")
    total = 0
    paths: set[PurePosixPath] = set()
    for name, text in files.items():
        path = check_path(name)
        if not isinstance(text, str):
            raise InvalidRequestError(f"the content of {name!r} must be text")
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_FILE_BYTES:
            raise InvalidRequestError(f"file {name!r} is larger than {MAX_FILE_BYTES} bytes")
        total += size
        if path in paths:
            raise InvalidRequestError(f"file {name!r} is given twice")
        paths.add(path)
    if total > MAX_TOTAL_BYTES:
        raise InvalidRequestError(f"the files add up to more than {MAX_TOTAL_BYTES} bytes")
    for path in paths:
        for parent in path.parents:
            if parent in paths:
                raise InvalidRequestError(f"{str(parent)!r} is both a file and a folder")
        if reserved(path):
            raise InvalidRequestError(
                f"file name {str(path)!r} is in {EXAMPLES_NAME}/, where every run finds the "
                f"read-only example datasets ({EXAMPLES_IN_RUN}); use another folder"
            )


def validate_env(env: object) -> None:
    """A request's `env`: API keys and the runtime's switches only, printable ASCII values.

    Messages name the variable, never its value (it may be a key).
    """
    if not isinstance(env, Mapping):
        raise InvalidRequestError("env must be a mapping of name to value")
    if len(env) > MAX_ENV:
        raise InvalidRequestError(f"env may hold at most {MAX_ENV} variables")
    for name, value in env.items():
        if not isinstance(name, str) or not (name in RUN_ENV_NAMES or API_KEY_NAME.fullmatch(name)):
            raise InvalidRequestError(
                "env names must end _API_KEY (capitals, digits, _) or be one of "
                + ", ".join(sorted(RUN_ENV_NAMES))
            )
        if (
            not isinstance(value, str)
            or len(value) > MAX_ENV_VALUE_CHARS
            or _PRINTABLE_ASCII.fullmatch(value) is None
        ):
            raise InvalidRequestError(
                f"env {name} must be printable ASCII of at most {MAX_ENV_VALUE_CHARS} characters"
            )

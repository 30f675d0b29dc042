"""The files a run gets: the entry document's folder from disk, open buffers winning, bounded.

A run covers a workspace, not one file: the entry document plus the other files of its folder
(and its sub-folders), so `import helper` works as it does on the user's machine. What the
editor holds unsaved wins over what is on disk. The folder is read without ever following a
symbolic link (a link could lead anywhere on the server), and with bounds on how much is
scanned and sent, each refused with a message naming the bound.

Only a session whose disk this is reads it (an editor over stdio runs as its user): a
WebSocket client's folder is its open documents, or the server's root could hand any file it
can read to a browser's program.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from pygls.uris import to_fs_path

from lionagi_playground.sandbox.datasets import reserved
from lionagi_playground.sandbox.errors import InvalidRequestError
from lionagi_playground.sandbox.request import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    check_path,
)
from lionagi_playground.server.runs.params import RunParamsError

log = logging.getLogger(__name__)

MAX_SCANNED = 2000
"""Folder entries looked at before giving up: opening a file in a home folder must not walk it."""

SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "venv", "site-packages"})
"""Never part of a program (besides every dot-folder: .git, .venv, ...)."""


@dataclass(frozen=True)
class Workspace:
    files: dict[str, str]
    entry: str


def document_workspace(
    uri: str, open_documents: Mapping[str, str], entry: str | None, *, read_disk: bool
) -> Workspace:
    """The workspace of the document at `uri`; `open_documents` maps open URIs to their text.

    With `read_disk`, the folder's files on this machine come along (open buffers win); without,
    only the open documents under the folder do. Reads the disk: call it off the event loop.
    """
    path = to_fs_path(uri)
    if path is None:
        return _buffer_only(uri, open_documents, entry)
    document = Path(path)
    folder = document.parent
    files = _read_folder(folder) if read_disk else {}
    own = document.name
    for open_uri, text in open_documents.items():
        open_path = to_fs_path(open_uri)
        if open_path is None:
            continue
        if Path(open_path) == document:
            files[own] = text
        elif name := _relative_name(folder, Path(open_path)):
            files[name] = text
    if own not in files:
        if not read_disk:
            raise RunParamsError(
                f"{uri} is not open; over WebSocket only open documents run "
                "(the server's disk is not yours to read)"
            )
        files[own] = _read_entry(document)
    if len(files) > MAX_FILES:
        raise RunParamsError(
            f"the folder {folder} has more than {MAX_FILES} files; "
            "run a program in a smaller folder, or send `files`"
        )
    return Workspace(files, entry or own)


def _buffer_only(uri: str, open_documents: Mapping[str, str], entry: str | None) -> Workspace:
    """A document that is not a file (`untitled:`, a browser editor's model): just its text."""
    texts = {unquote(open_uri): text for open_uri, text in open_documents.items()}
    text = texts.get(unquote(uri))
    if text is None:
        raise RunParamsError(f"{uri} is not open in the editor and is not a file: nothing to run")
    name = unquote(urlparse(uri).path.rsplit("/", 1)[-1]) or "main"
    try:
        check_path(name)
    except InvalidRequestError as error:
        raise RunParamsError(f"cannot make a file name of {uri}: {error}; send `files`") from None
    return Workspace({name: text}, entry or name)


def _relative_name(folder: Path, path: Path) -> str | None:
    """`path` under `folder` as a workspace name, unless it is somewhere a walk would skip."""
    if not path.is_relative_to(folder):
        return None
    parts = path.relative_to(folder).parts
    if len(parts) > MAX_DEPTH or any(_skipped(part) for part in parts[:-1]):
        return None
    if reserved(PurePosixPath(*parts)):
        return None
    name = PurePosixPath(*parts).as_posix()
    with contextlib.suppress(InvalidRequestError):
        check_path(name)
        return name
    return None


def _skipped(folder_name: str) -> bool:
    return folder_name.startswith(".") or folder_name in SKIPPED_FOLDERS


def _read_folder(folder: Path) -> dict[str, str]:
    """Every text file under `folder` (breadth first), never through a symbolic link."""
    files: dict[str, str] = {}
    total = 0
    scanned = 0
    pending: list[tuple[Path, tuple[str, ...]]] = [(folder, ())]
    while pending:
        directory, prefix = pending.pop(0)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except FileNotFoundError:
            continue  # an unsaved buffer may live in a folder not made yet
        except OSError as error:
            if not prefix:
                raise RunParamsError(f"cannot read the folder {folder}: {error.strerror}") from None
            continue
        for entry in entries:
            scanned += 1
            if scanned > MAX_SCANNED:
                raise RunParamsError(
                    f"the folder {folder} holds more than {MAX_SCANNED} entries; "
                    "run a program in a smaller folder, or send `files`"
                )
            parts = (*prefix, entry.name)
            if reserved(PurePosixPath(*parts)):
                continue  # examples/: the sandbox shows its read-only datasets there
            # follow_symlinks=False throughout: a link is neither a file nor a folder here.
            if entry.is_dir(follow_symlinks=False):
                if len(parts) < MAX_DEPTH and not _skipped(entry.name):
                    pending.append((Path(entry.path), parts))
                continue
            if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                continue
            name = "/".join(parts)
            text = _read_text(Path(entry.path), name)
            if text is None:
                continue
            files[name] = text
            total += len(text.encode("utf-8", "surrogatepass"))
            if len(files) > MAX_FILES:
                raise RunParamsError(
                    f"the folder {folder} has more than {MAX_FILES} files; "
                    "run a program in a smaller folder, or send `files`"
                )
            if total > MAX_TOTAL_BYTES:
                raise RunParamsError(
                    f"the files of {folder} add up to more than {MAX_TOTAL_BYTES} bytes; "
                    "run a program in a smaller folder, or send `files`"
                )
    return files


def _read_text(path: Path, name: str) -> str | None:
    """The file's text, or None for what a run cannot carry (binary, odd name, vanished)."""
    try:
        check_path(name)
    except InvalidRequestError:
        log.info("not sending %s with the run: its name is not allowed", path)
        return None
    try:
        data = _read_no_follow(path)
    except OSError:
        return None
    if data is None:
        return None
    if len(data) > MAX_FILE_BYTES:
        raise RunParamsError(
            f"{name} is larger than {MAX_FILE_BYTES} bytes (a run's files are at most that); "
            "move it out of the folder, or send `files`"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        log.info("not sending %s with the run: it is not UTF-8 text", path)
        return None


def _read_no_follow(path: Path) -> bytes | None:
    """The bytes of a regular file (at most one past the bound); None if not a regular file.

    O_NOFOLLOW closes the gap between looking at the entry and opening it (a file swapped
    for a link in between is refused by the kernel).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        # One byte past the bound is enough for the caller to refuse a file too large.
        with os.fdopen(os.dup(fd), "rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)


def _read_entry(document: Path) -> str:
    try:
        data = _read_no_follow(document)
    except FileNotFoundError:
        raise RunParamsError(f"{document} is not open in the editor and not on disk") from None
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise RunParamsError(f"{document} is a symbolic link; open it to run it") from None
        raise RunParamsError(f"cannot read {document}: {error.strerror}") from None
    if data is None:
        raise RunParamsError(f"{document} is not a regular file")
    if len(data) > MAX_FILE_BYTES:
        raise RunParamsError(f"{document.name} is larger than {MAX_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RunParamsError(f"{document.name} is not UTF-8 text") from None

"""The sandbox image's base where no image registry answers: Debian from its package mirror.

`debootstrap` builds a minimal Debian root file system (with Python, venv and node) from the
mirror apt already uses, and `docker import` turns it into an image tagged by a hash of what
went in, so it is built once per machine. Needs root and the Debian package debootstrap.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lionagi_playground.sandbox.errors import BackendUnavailableError

SUITE = "bookworm"
"""Debian 12: Python 3.11, the Python the runtime environment's wheels are built for."""
PACKAGES = ("python3", "python3-venv", "nodejs", "ca-certificates")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
MIRROR_ENV = "LIONAGI_PLAYGROUND_DEBIAN_MIRROR"
BASE_REPOSITORY = "lionagi-playground-base"
SOURCES = (Path("/etc/apt/sources.list"), Path("/etc/apt/sources.list.d"))

Progress = Callable[[str], None]
STAGES = (
    "I: Retrieving Release",
    "I: Resolving dependencies of required",
    "I: Retrieving Packages",
    "I: Installing core packages",
    "I: Unpacking required packages",
    "I: Configuring required packages",
    "I: Unpacking the base system",
    "I: Configuring the base system",
    "I: Base system installed",
)
"""The debootstrap lines shown as progress (it also says a line per package per step)."""


class ImageBuildError(BackendUnavailableError):
    """The sandbox image could not be built (the message says which step and why)."""

    code = "image_build_failed"


def debian_mirror() -> str:
    """`$LIONAGI_PLAYGROUND_DEBIAN_MIRROR`, else the Debian mirror apt is configured with."""
    explicit = os.environ.get(MIRROR_ENV)
    if explicit:
        return explicit.rstrip("/")
    files: list[Path] = []
    for source in SOURCES:
        if source.is_dir():
            files += sorted(source.glob("*.list")) + sorted(source.glob("*.sources"))
        elif source.is_file():
            files.append(source)
    for path in files:
        with_suite = _mirror_in(path.read_text(errors="replace"))
        if with_suite is not None:
            return with_suite
    return DEFAULT_MIRROR


def _mirror_in(text: str) -> str | None:
    """The first `.../debian` URI offered for the main suite (one-line or deb822 format)."""
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 3 and parts[0] == "deb":
            uri = next(p for p in parts[1:] if not p.startswith("["))
            if _is_debian(uri) and SUITE in parts:
                return uri.rstrip("/")
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            key, colon, value = line.partition(":")
            if colon and not key.startswith("#"):
                fields[key.strip().lower()] = value.strip()
        suites = fields.get("suites", "").split()
        for uri in fields.get("uris", "").split():
            if _is_debian(uri) and SUITE in suites:
                return uri.rstrip("/")
    return None


def _is_debian(uri: str) -> bool:
    return uri.rstrip("/").endswith("/debian")


def base_tag(mirror: str) -> str:
    digest = hashlib.sha256("\n".join([SUITE, mirror, "minbase", *PACKAGES]).encode()).hexdigest()
    return f"{BASE_REPOSITORY}:{digest[:16]}"


def build_base(client: Any, mirror: str, progress: Progress) -> str:
    """The debootstrap base image's tag, building it unless it exists."""
    from docker.errors import ImageNotFound

    tag = base_tag(mirror)
    try:
        client.images.get(tag)
        progress(f"    base image {tag} exists")
        return tag
    except ImageNotFound:
        pass
    if shutil.which("debootstrap") is None:
        raise ImageBuildError("debootstrap is not installed: run scripts/system-deps.sh")
    if os.geteuid() != 0:
        raise ImageBuildError("debootstrap needs root to build the image's base")
    with tempfile.TemporaryDirectory(prefix="lionagi-playground-rootfs-", dir="/var/tmp") as tmp:
        root = Path(tmp) / "rootfs"
        started = time.monotonic()
        progress(f"    debootstrap {SUITE} from {mirror} ({', '.join(PACKAGES)})")
        _run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(PACKAGES)}",
                SUITE,
                str(root),
                mirror,
            ],
            progress,
        )
        progress(f"    root file system built in {time.monotonic() - started:.0f} s")
        _trim(root)
        started = time.monotonic()
        tar = subprocess.Popen(
            ["tar", "--numeric-owner", "-C", str(root), "-c", "."], stdout=subprocess.PIPE
        )
        assert tar.stdout is not None
        repository, _, version = tag.partition(":")
        try:
            client.api.import_image_from_stream(tar.stdout, repository=repository, tag=version)
        finally:
            tar.stdout.close()
            if tar.wait() != 0:
                raise ImageBuildError(f"tar of the root file system failed ({tar.returncode})")
        progress(f"    imported as {tag} in {time.monotonic() - started:.0f} s")
    return tag


def _trim(root: Path) -> None:
    """Drop what only apt needs: downloaded packages and lists."""
    for folder in ("var/cache/apt/archives", "var/lib/apt/lists"):
        path = root / folder
        if path.is_dir():
            for item in path.iterdir():
                if item.is_file():
                    item.unlink()


def _run(command: list[str], progress: Progress) -> None:
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:
            lines.append(line.rstrip())
            if line.startswith(STAGES):
                progress("      " + line.rstrip())
    if process.returncode != 0:
        tail = " | ".join(lines[-6:])
        raise ImageBuildError(f"{command[0]} failed with exit code {process.returncode}: {tail}")

"""Fixtures for the runtime package's tests: real programs in the runtime environment, offline.

Every program runs as a subprocess of the runtime environment's own Python (the one
`lionagi-playground setup` built, brought up to date here by the same function), inside a
network namespace with no usable interface (`unshare --net`, so the tests need root), with
HOME and TMPDIR pointing at empty directories and a `sitecustomize` that reports every
network attempt on stderr through an audit hook. A run records what it left in HOME, TMPDIR
and its working directory, and whether the runtime environment changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lionagi_playground.runtime_env import RuntimeEnv, build_runtime_env

NETWORK_MARK = "PLAYGROUND-NETWORK-ATTEMPT"

# Imported by the child before the program runs: any resolution or connection attempt is
# printed, whether or not the program (or lionagi) catches the error that follows it.
_AUDIT_SITECUSTOMIZE = f"""
import sys

_WATCHED = {{
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
    "socket.gethostbyaddr", "socket.getnameinfo", "socket.sendto", "socket.sendmsg",
    "http.client.connect", "urllib.Request",
}}


def _report(event, args):
    if event in _WATCHED:
        sys.stderr.write("{NETWORK_MARK} %s %r\\n" % (event, args[:2]))


sys.addaudithook(_report)
"""


@dataclass
class Run:
    returncode: int
    stdout: bytes
    stderr: str
    cwd_files: list[str]
    home_files: list[str]
    tmp_files: list[str]
    network_attempts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")


Runner = Callable[..., Run]


@pytest.fixture(scope="session")
def runtime_env() -> RuntimeEnv:
    """The runtime environment, built or refreshed by setup's own code (a no-op when current)."""
    if os.geteuid() != 0:
        pytest.fail(
            "the runtime tests run programs in a network namespace of their own "
            "(`unshare --net`), which needs root: run them as root (CI does)"
        )
    if shutil.which("unshare") is None:
        pytest.fail("`unshare` (util-linux) is needed to run programs without a network")
    lines: list[str] = []
    try:
        return build_runtime_env(progress=lines.append)
    except Exception:
        sys.stderr.write("\n".join(lines) + "\n")
        raise


@pytest.fixture
def run_program(runtime_env: RuntimeEnv, tmp_path: Path) -> Runner:
    """Run a program's source in a fresh workspace; offline unless told otherwise."""
    audit = tmp_path / "audit"
    audit.mkdir()
    (audit / "sitecustomize.py").write_text(_AUDIT_SITECUSTOMIZE)

    def run(
        source: str,
        *,
        env: dict[str, str] | None = None,
        files: dict[str, str] | None = None,
        offline: bool = True,
        isolated: bool = True,
    ) -> Run:
        """`isolated=False` keeps this machine's network (a test's own server on 127.0.0.1)."""
        work, home, tmp = tmp_path / "work", tmp_path / "home", tmp_path / "tmp"
        for folder in (work, home, tmp):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
        (work / "program.py").write_text(textwrap.dedent(source))
        for name, text in (files or {}).items():
            (work / name).write_text(textwrap.dedent(text))
        before = set(_tree(work))
        environment = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "TMPDIR": str(tmp),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(audit),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PLAYGROUND_LIONAGI_OFFLINE": "1" if offline else "0",
            **(env or {}),
        }
        prefix = ["unshare", "--net", "--"] if isolated else []
        completed = subprocess.run(
            [*prefix, str(runtime_env.python), "program.py"],
            cwd=work,
            env=environment,
            capture_output=True,
            timeout=90,
            check=False,
        )
        stderr = completed.stderr.decode("utf-8", "replace")
        return Run(
            returncode=completed.returncode,
            stdout=completed.stdout,
            stderr=stderr,
            cwd_files=sorted(set(_tree(work)) - before),
            home_files=_tree(home),
            tmp_files=_tree(tmp),
            network_attempts=[line for line in stderr.splitlines() if NETWORK_MARK in line],
        )

    return run


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


Snapshot = dict[str, tuple[int, int]]


@pytest.fixture
def runtime_snapshot(runtime_env: RuntimeEnv) -> Callable[[], Snapshot]:
    """Every file of the runtime environment with its size and modification time, on call."""

    def snapshot() -> Snapshot:
        files = {}
        for path in runtime_env.root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                stat = path.stat()
                files[str(path.relative_to(runtime_env.root))] = (stat.st_size, stat.st_mtime_ns)
        return files

    return snapshot

"""Starting bwrap's launch chain as our own child: its pipes, its files, and reaping its init.

Low-level and stateless: memfds for the run's files, the spawn with our own pipes (so the
supervisor is the only waiter), becoming a subreaper, and reading a process's parent.
"""

from __future__ import annotations

import ctypes
import logging
import os
import subprocess
from pathlib import Path

from lionagi_playground.sandbox.supervisor import Spawned

log = logging.getLogger(__name__)

PR_SET_CHILD_SUBREAPER = 36
TRAMPOLINE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def become_subreaper() -> None:
    """Orphans of our runs (bwrap's init) come back to us to be reaped, not to pid 1."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            log.info("could not become a subreaper: errno %s", ctypes.get_errno())
    except (OSError, AttributeError) as error:
        log.info("could not become a subreaper: %s", error)


def memfd(data: bytes) -> int:
    """An anonymous file holding `data`, read from its start (bwrap's `--file` copies it)."""
    fd = os.memfd_create("playground-file", os.MFD_CLOEXEC)
    try:
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError:
        os.close(fd)
        raise
    return fd


def popen(argv: list[str], fds: list[int], opened: list[int], ours: list[int]) -> Spawned:
    """Spawn with our own pipes, so the only waiter is the supervisor (wait4 with rusage)."""
    stdin_r, stdin_w = os.pipe2(os.O_CLOEXEC)
    stdout_r, stdout_w = os.pipe2(os.O_CLOEXEC)
    stderr_r, stderr_w = os.pipe2(os.O_CLOEXEC)
    opened += [stdin_r, stdout_w, stderr_w]
    ours += [stdin_w, stdout_r, stderr_r]
    process = subprocess.Popen(
        argv,
        stdin=stdin_r,
        stdout=stdout_w,
        stderr=stderr_w,
        pass_fds=fds,
        close_fds=True,
        start_new_session=True,
        env={"PATH": TRAMPOLINE_PATH},
    )
    # The supervisor reaps it with os.wait4; Popen must not think it still owns a live child.
    process.returncode = 0
    for fd in (stdin_w, stdout_r, stderr_r):
        os.set_blocking(fd, False)
    return Spawned(process.pid, stdin_w, stdout_r, stderr_r)


def parent_of(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1])

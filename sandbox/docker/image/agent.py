"""The sandbox container's pid 1: it starts the run's program when the host says, reaps, reports.

Runs inside the image (Debian's python3 -I -S, standard library only), as the unprivileged
sandbox uid, with every capability dropped. It is the container's init instead of
docker-init because it has to be the program's parent: a process started with `docker exec`
has no parent inside the container (getppid() is 0, so `kill(getppid())` kills its own
group), a launcher running as the program's uid dies to `kill(-1)` and takes the exit status
with it, and with no capabilities nothing can start a child under another uid. As pid 1 it
cannot be killed from inside the container (the kernel drops SIGKILL and every signal without
a handler sent to a namespace's init from within) and it reaps every orphan, as docker-init
would.

The program is not a fork of this interpreter: ru_maxrss survives exec, so a fork of the
agent would carry the agent's own pages (8 MiB, more with a large workspace parsed) into the
program's peak memory. `spawn` execs setsid (a small C program), whose fork runs a shell that
tells the agent its pid and execs the program; setsid exits at once, so the program's parent
is this process, which reaps it with its own rusage.

The protocol, on the container's attach stream (`streams` is the host side):

    stdin:  b"<length>\\n" + JSON {argv, env, cwd, files, token}; all that follows is the
            program's own stdin (the header is read exactly, never a byte more)
    stdout: the program's output, then END_MARKER + token + b" " + JSON {status, cpu_ms,
            maxrss_kib} + b"\\n" once the program and every process it left are dead
    stderr: the program's output, then END_MARKER + token + b"\\n"

Then it waits to be killed: the host reads the container's cgroup (peak memory, CPU, OOM
kills) while it still exists, then kills this process, which ends the container. The token
comes in the header, which the program never sees, so its output cannot forge the end.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import signal
import sys
from typing import Any

END_MARKER = b"\x00\x1bplayground-end:"
MAX_HEADER_BYTES = 16 * 1024 * 1024
PR_SET_DUMPABLE = 4
# Ignored by Python at start-up; the program must get them with their default actions.
RESET_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT)


def read_exactly(fd: int, count: int) -> bytes:
    chunks: list[bytes] = []
    while count:
        chunk = os.read(fd, count)
        if not chunk:
            raise EOFError("stdin ended inside the header")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def read_header(fd: int = 0) -> dict[str, Any] | None:
    """The run's header, or None when stdin ends first (the pool let this container go)."""
    digits = b""
    while True:
        byte = os.read(fd, 1)
        if not byte:
            return None
        if byte == b"\n":
            break
        digits += byte
        if len(digits) > 12 or not byte.isdigit():
            raise ValueError("malformed header length")
    length = int(digits)
    if length > MAX_HEADER_BYTES:
        raise ValueError("header too large")
    header = json.loads(read_exactly(fd, length))
    if not isinstance(header, dict):
        raise ValueError("the header is not an object")
    return header


def write_files(root: str, files: dict[str, str]) -> None:
    """Write the workspace; the host already checked the names, this refuses escapes again."""
    for name, text in sorted(files.items()):
        parts = name.split("/")
        if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"bad file name {name!r}")
        path = os.path.join(root, *parts)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(path, flags, 0o644)
        try:
            data = text.encode("utf-8", "surrogatepass")
            while data:
                data = data[os.write(fd, data) :]
        finally:
            os.close(fd)


SETSID = "/usr/bin/setsid"
LAUNCH = 'echo $$ >&3 && exec "$@" 3>&-'
"""The program's last launcher, in the process setsid forked: it reports its own pid on fd 3,
then becomes the program (fd 3 closed), in a session of its own."""


def spawn(argv: list[str], env: dict[str, str], cwd: str) -> tuple[int | None, int]:
    """Start the program: its pid (None if it never started) and the launcher's status."""
    pid_read, pid_write = os.pipe()
    launcher = os.fork()
    if launcher == 0:
        try:
            for number in RESET_SIGNALS:
                signal.signal(number, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.chdir(cwd)
            if pid_write == 3:
                os.set_inheritable(3, True)
            else:
                os.dup2(pid_write, 3)
            os.execve(SETSID, [SETSID, "--fork", "/bin/sh", "-c", LAUNCH, "sh", *argv], env)
        except BaseException as error:
            os.write(2, f"[playground] could not start {argv[0]}: {error}\n".encode())
        os._exit(127)
    os.close(pid_write)
    _, status = os.waitpid(launcher, 0)  # setsid exits as soon as it has forked
    said = b""
    while chunk := os.read(pid_read, 64):  # until the program's exec closes the pipe
        said += chunk
    os.close(pid_read)
    text = said.decode("ascii", "replace").strip()
    return (int(text) if text.isdigit() else None), status


def wait_for(pid: int) -> tuple[int, resource.struct_rusage]:
    """Reap until `pid` ends (orphans reparented to us are reaped on the way)."""
    while True:
        found, status, usage = os.wait4(-1, 0)
        if found == pid:
            return status, usage


def kill_the_rest() -> None:
    """SIGKILL every other process of the container and reap them all."""
    while True:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)  # never reaches pid 1 (us) or outside the container
        try:
            while True:
                os.wait4(-1, 0)
        except ChildProcessError:
            pass
        try:
            os.kill(-1, 0)
        except ProcessLookupError:
            return


def write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]


def report(token: str, status: int, usage: resource.struct_rusage | None) -> None:
    ended = {
        "status": status,
        "cpu_ms": int((usage.ru_utime + usage.ru_stime) * 1000) if usage else 0,
        "maxrss_kib": usage.ru_maxrss if usage else 0,
    }
    marker = END_MARKER + token.encode("ascii")
    write_all(1, marker + b" " + json.dumps(ended).encode() + b"\n")
    write_all(2, marker + b"\n")


def main() -> int:
    # Python's own SIGINT handler would let the program raise KeyboardInterrupt in pid 1.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Not dumpable: the program (same uid) cannot open /proc/1/mem, environ or root.
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    try:
        header = read_header()
    except (ValueError, EOFError) as error:
        write_all(2, f"[playground] bad run header: {error}\n".encode())
        return 2
    if header is None:
        return 0
    token = str(header["token"])
    cwd = str(header.get("cwd", "/workspace"))
    write_files(cwd, dict(header.get("files", {})))
    pid, status = spawn(list(header["argv"]), dict(header["env"]), cwd)
    usage = None
    if pid is not None:
        status, usage = wait_for(pid)
    kill_the_rest()
    report(token, status, usage)
    while True:
        signal.pause()  # the host reads the cgroup, then kills us (and so the container)


if __name__ == "__main__":
    sys.exit(main())

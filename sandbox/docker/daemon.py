"""The Docker daemon: finding one that answers, and starting `dockerd` where none is running.

`ensure_daemon` is idempotent: a daemon that already answers on the socket is used as it is;
otherwise (root only, local sockets only) `dockerd` is started in the background, in a
session of its own, with the given data root, and the call returns once the daemon answers.
Concurrent callers are serialised by a lock file beside the socket, so two test sessions
never start two daemons on one socket. A daemon that cannot start is an error with the
reason (the tail of its log), never a silent fallback.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lionagi_playground.sandbox.errors import BackendUnavailableError

log = logging.getLogger(__name__)

DEFAULT_SOCKET = Path("/var/run/docker.sock")
DEFAULT_DATA_ROOT = Path("/var/lib/docker")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
POLL_S = 0.05


class DockerDaemonError(BackendUnavailableError):
    """No Docker daemon answers, and one could not be started here."""

    code = "docker_daemon"


@dataclass(frozen=True)
class Daemon:
    """A daemon that answers at `url`; `pid` and `log` are set when this process started it."""

    url: str
    version: str
    pid: int | None = None
    log: Path | None = None

    @property
    def started_here(self) -> bool:
        return self.pid is not None


def default_url() -> str:
    return os.environ.get("DOCKER_HOST") or f"unix://{DEFAULT_SOCKET}"


def server_version(url: str, timeout_s: float = 3.0) -> str | None:
    """The daemon's version when one answers at `url`, else None."""
    if url.startswith("unix://"):
        return _unix_version(url.removeprefix("unix://"), timeout_s)
    import docker
    from docker.errors import DockerException

    try:
        client = docker.DockerClient(base_url=url, version="auto", timeout=int(timeout_s))
    except (DockerException, OSError):
        return None
    try:
        return str(client.version().get("Version") or "unknown")
    except (DockerException, OSError):
        return None
    finally:
        client.close()


def _unix_version(path: str, timeout_s: float) -> str | None:
    """GET /version (unversioned: every daemon answers it) on a local socket.

    Asked directly rather than through docker-py, whose version negotiation leaves a socket
    behind each time it fails, as it does many times while a daemon starts.
    """
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout_s)
            conn.connect(path)
            conn.sendall(b"GET /version HTTP/1.0\r\nHost: docker\r\n\r\n")
            reply = b""
            while chunk := conn.recv(65536):
                reply += chunk
    except OSError:
        return None
    head, _, body = reply.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.") or b" 200 " not in head.split(b"\r\n", 1)[0] + b" ":
        return None
    try:
        return str(json.loads(body).get("Version") or "unknown")
    except (ValueError, AttributeError):
        return None


def ensure_daemon(
    socket: Path = DEFAULT_SOCKET,
    data_root: Path = DEFAULT_DATA_ROOT,
    *,
    exec_root: Path | None = None,
    extra_args: Sequence[str] = (),
    dockerd: str = "dockerd",
    launcher: Sequence[str] = (),
    timeout_s: float = START_TIMEOUT_S,
) -> Daemon:
    """A daemon answering on `socket` (or at `$DOCKER_HOST`), started here when none is.

    `launcher` goes before dockerd's command line, e.g. `unshare --net --` for a second,
    private daemon: one started with `--bridge=none` deletes the host's docker0 bridge,
    which the first daemon's containers need.
    """
    remote = os.environ.get("DOCKER_HOST")
    if remote and socket == DEFAULT_SOCKET and remote != f"unix://{socket}":
        version = server_version(remote)
        if version is None:
            raise DockerDaemonError(f"no Docker daemon answers at DOCKER_HOST={remote}")
        return Daemon(remote, version)
    url = f"unix://{socket}"
    version = server_version(url)
    if version is not None:
        return Daemon(url, version)
    with _lock(socket):
        version = server_version(url)  # another process may have started it meanwhile
        if version is not None:
            return Daemon(url, version)
        pidfile = socket.with_name(f"{socket.stem}.pid")
        running = _live_pid(pidfile)
        if running is not None:
            # A dockerd is starting (or hung) on this pidfile: wait for it, never start twice.
            return _await_answer(url, running, None, timeout_s)
        command = [*launcher, dockerd, "--host", url, "--data-root", str(data_root)]
        command += ["--pidfile", str(pidfile)]
        if exec_root is not None:
            command += ["--exec-root", str(exec_root)]
        tools = [launcher[0], dockerd] if launcher else [dockerd]
        return _start(url, socket, data_root, tools, [*command, *extra_args], timeout_s)


def stop_daemon(daemon: Daemon, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Stop a daemon this process started (SIGTERM, then SIGKILL); others are left alone."""
    if daemon.pid is None:
        return
    try:
        pidfd = os.pidfd_open(daemon.pid)
    except ProcessLookupError:
        return
    try:
        os.kill(daemon.pid, signal.SIGTERM)
        ready, _, _ = select.select([pidfd], [], [], timeout_s)
        if not ready:
            log.warning("dockerd %s did not stop in %s s: killing it", daemon.pid, timeout_s)
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            select.select([pidfd], [], [], timeout_s)
    finally:
        os.close(pidfd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(daemon.pid, 0)


def _start(
    url: str, socket: Path, data_root: Path, tools: list[str], argv: list[str], timeout_s: float
) -> Daemon:
    missing = [name for name in tools if shutil.which(name) is None]
    if missing:
        raise DockerDaemonError(
            f"{missing[0]} is not installed: run scripts/system-deps.sh (Debian package docker.io)"
        )
    if os.geteuid() != 0:
        raise DockerDaemonError(f"no Docker daemon answers at {url}, and only root can start one")
    data_root.mkdir(parents=True, exist_ok=True)
    log_path = socket.with_name(f"{socket.stem}-dockerd.log")
    with log_path.open("ab") as out:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not in our terminal's process group: Ctrl-C spares it
            close_fds=True,
        )
    log.info("started dockerd (pid %s), log in %s", process.pid, log_path)
    # The Popen object is dropped: `stop_daemon` reaps the daemon by its pid.
    process.returncode = 0
    return _await_answer(url, process.pid, log_path, timeout_s)


def _await_answer(url: str, pid: int, log_path: Path | None, timeout_s: float) -> Daemon:
    """Poll until the daemon answers, it dies, or the time is up (then say why)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        version = server_version(url, timeout_s=2.0)
        if version is not None:
            return Daemon(url, version, pid if log_path is not None else None, log_path)
        if not _alive(pid):
            raise DockerDaemonError(f"dockerd exited at start-up: {_tail(log_path)}")
        time.sleep(POLL_S)
    raise DockerDaemonError(f"dockerd did not answer within {timeout_s:g} s: {_tail(log_path)}")


def _alive(pid: int) -> bool:
    try:
        with contextlib.suppress(ChildProcessError):
            found, _ = os.waitpid(pid, os.WNOHANG)
            if found == pid:
                return False
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and _state(pid) != "Z"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


def _live_pid(pidfile: Path) -> int | None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    comm = Path(f"/proc/{pid}/comm")
    with contextlib.suppress(OSError):
        if comm.read_text().strip() == "dockerd" and _alive(pid):
            return pid
    return None


def _tail(log_path: Path | None, lines: int = 8) -> str:
    if log_path is None:
        return "(started by another process; see its log)"
    try:
        text = log_path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return f"(no log at {log_path})"
    return " | ".join(line.strip() for line in text) or f"(empty log {log_path})"


@contextlib.contextmanager
def _lock(socket: Path) -> Iterator[None]:
    socket.parent.mkdir(parents=True, exist_ok=True)
    path = socket.with_name(f".{socket.name}.lionagi-playground.lock")
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""The bubblewrap backend (the default): spawn each run in bwrap, confined and measured.

User code never runs as root. When the server is root, each run gets its own unprivileged
host uid from a pool (so runs cannot signal or outlive each other under one id) and its own
cgroup; when the server is an ordinary user, bwrap's user namespace maps it to uid 1000 inside
and limits fall back to rlimits unless a cgroup can be created. See `bubblewrap_command` for
the exact confinement and docs/security.md for what it promises.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from lionagi_playground.sandbox.backend import Execution
from lionagi_playground.sandbox.bubblewrap_command import (
    SANDBOX_GID,
    SANDBOX_UID,
    CommandParts,
    HostIds,
    build_launch,
)
from lionagi_playground.sandbox.cgroups import CgroupHost, RunCgroup, RunLimits
from lionagi_playground.sandbox.display import NONCE_ENV
from lionagi_playground.sandbox.errors import BackendUnavailableError, RunStartError
from lionagi_playground.sandbox.request import RunRequest
from lionagi_playground.sandbox.runtimes import Runtime, available_runtimes, choose_runtime
from lionagi_playground.sandbox.seccomp import bpf_fd, deny_list_bpf
from lionagi_playground.sandbox.supervisor import Spawned, SupervisedRun
from lionagi_playground.sandbox.uid_pool import UidPool
from lionagi_playground.sandbox.usage import CgroupUsage, ProcessTreeUsage, UsageProbe

log = logging.getLogger(__name__)

PR_SET_CHILD_SUBREAPER = 36
INIT_EXIT_S = 5.0
TRAMPOLINE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_UID_BASE = 64100
"""Root mode's pool of run uids: 64100-64355 by default (no passwd entry needed)."""


class BubblewrapBackend:
    """Runs requests under bwrap; one instance per server process."""

    name = "bubblewrap"

    def __init__(
        self,
        runtime_root: Path | None = None,
        *,
        uid_base: int = DEFAULT_UID_BASE,
        uid_count: int = 256,
        use_cgroups: bool = True,
        state_dir: Path | None = None,
    ) -> None:
        self._runtimes = available_runtimes(runtime_root)
        self._root = os.geteuid() == 0
        self._uids = UidPool(uid_base, uid_count) if self._root else None
        self._cgroups = CgroupHost.detect() if use_cgroups else None
        self._state_dir = state_dir
        self._etc_dir: Path | None = None
        self._staged: dict[Path, Path] = {}
        self._runs: set[SupervisedRun] = set()
        self._reason = self._check()
        if self._reason is None:
            _become_subreaper()

    # -- Backend protocol --------------------------------------------------------------------

    def unavailable_reason(self) -> str | None:
        return self._reason

    def languages(self) -> list[str]:
        return sorted(self._runtimes)

    @property
    def cgroups(self) -> CgroupHost | None:
        return self._cgroups

    @property
    def state_dir(self) -> Path | None:
        """Where the backend keeps the files every run binds (passwd, staging points)."""
        return self._state_dir

    @property
    def uid_range(self) -> range | None:
        return self._uids.range if self._uids is not None else None

    async def start(self, request: RunRequest) -> Execution:
        if self._reason is not None:
            raise BackendUnavailableError(self._reason)
        runtime = choose_runtime(self._runtimes, request.language, request.entry_path)
        return self._spawn(request, runtime)

    async def aclose(self) -> None:
        for run in list(self._runs):
            await run.cancel()
        for run in list(self._runs):
            await run.wait()
        if self._state_dir_owned and self._state_dir is not None:
            shutil.rmtree(self._state_dir, ignore_errors=True)
            self._state_dir = None
            self._etc_dir = None
            self._staged = {}

    # -- setting up --------------------------------------------------------------------------

    _state_dir_owned = False

    def _check(self) -> str | None:
        missing = [tool for tool in ("bwrap", "prlimit") if shutil.which(tool) is None]
        if self._root:
            missing += [tool for tool in ("setpriv", "unshare", "mount") if not shutil.which(tool)]
        if missing:
            return (
                f"bubblewrap backend needs {', '.join(missing)}: "
                "run scripts/system-deps.sh (Debian packages bubblewrap, util-linux)"
            )
        try:
            deny_list_bpf()
        except BackendUnavailableError as error:
            return str(error)
        if not self._runtimes:
            return "no runtime (python, node, bash) found on this machine"
        return None

    def _prepare(self) -> Path:
        """Create, once, the files every run binds: passwd/group/hosts and staging points."""
        if self._etc_dir is not None:
            return self._etc_dir
        if self._state_dir is None:
            self._state_dir = Path(tempfile.mkdtemp(prefix="lionagi-playground-bwrap-"))
            self._state_dir_owned = True
        self._state_dir.chmod(0o755)  # the run uid must reach the files below
        etc = self._state_dir / "etc"
        etc.mkdir(mode=0o755, exist_ok=True)
        user = f"sandbox:x:{SANDBOX_UID}:{SANDBOX_GID}:sandbox:/workspace:/bin/bash\n"
        files = {
            "passwd": "root:x:0:0::/nonexistent:/usr/sbin/nologin\n"
            + user
            + "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n",
            "group": f"root:x:0:\nsandbox:x:{SANDBOX_GID}:\nnogroup:x:65534:\n",
            "hosts": "127.0.0.1 localhost playground\n::1 localhost ip6-localhost\n",
        }
        for name, text in files.items():
            (etc / name).write_text(text)
            (etc / name).chmod(0o644)
        if self._root:
            trees = {tree for runtime in self._runtimes.values() for tree in runtime.mounts}
            for number, tree in enumerate(sorted(trees)):
                if not _reachable_by_others(tree):
                    point = self._state_dir / f"stage-{number}"
                    point.mkdir(mode=0o755, exist_ok=True)
                    self._staged[tree] = point
        self._etc_dir = etc
        return etc

    # -- one run -------------------------------------------------------------------------

    def _spawn(self, request: RunRequest, runtime: Runtime) -> SupervisedRun:
        etc = self._prepare()
        limits = request.limits
        nonce = secrets.token_hex(16)
        uid = self._uids.acquire() if self._uids is not None else None
        group: RunCgroup | None = None
        opened: list[int] = []
        ours: list[int] = []
        try:
            if self._cgroups is not None:
                group = self._cgroups.create(
                    f"run-{request.run_id}-{os.getpid()}",
                    RunLimits(limits.memory_bytes, limits.pids, limits.cpus),
                )
            file_fds = {}
            for name, text in request.files.items():
                fd = _memfd(text.encode("utf-8", "surrogatepass"))
                opened.append(fd)
                file_fds[PurePosixPath(name)] = fd
            seccomp = bpf_fd()
            opened.append(seccomp)
            status_read, status_write = os.pipe2(os.O_CLOEXEC)
            opened.append(status_write)
            ours.append(status_read)
            block_read, block_write = os.pipe2(os.O_CLOEXEC)
            opened.append(block_read)
            ours.append(block_write)
            launch = build_launch(
                CommandParts(
                    runtime=runtime,
                    entry=request.entry_path,
                    limits=limits,
                    env={NONCE_ENV: nonce},
                    file_fds=file_fds,
                    seccomp_fd=seccomp,
                    status_fd=status_write,
                    etc_dir=etc,
                    ids=HostIds(uid, uid),
                    block_fd=block_read,
                    cgroup=group is not None,
                    staged=self._staged,
                )
            )
            spawned = _popen(launch.argv, launch.fds, opened, ours)
        except OSError as error:
            for fd in ours:
                os.close(fd)
            if group is not None:
                group.remove()
            if uid is not None and self._uids is not None:
                self._uids.release(uid)
            raise RunStartError(f"could not start the sandbox: {error}") from error
        finally:
            for fd in opened:
                os.close(fd)
        probe: UsageProbe = (
            CgroupUsage(group) if group is not None else ProcessTreeUsage(spawned.pid)
        )
        containment = _Containment(self, spawned.pid, status_read, block_write, group, uid, probe)
        run = SupervisedRun(spawned, containment, limits, nonce, request.stdin)
        self._runs.add(run)
        containment.on_release = lambda: self._runs.discard(run)
        run.start()
        return run

    def _release_uid(self, uid: int | None) -> None:
        if uid is not None and self._uids is not None:
            self._uids.release(uid)


class _Containment:
    """The bwrap run's tree: bwrap's status pipe, its sandbox init, and the cgroup."""

    def __init__(
        self,
        backend: BubblewrapBackend,
        pid: int,
        status_fd: int,
        go_fd: int,
        group: RunCgroup | None,
        uid: int | None,
        probe: UsageProbe,
    ) -> None:
        self.probe = probe
        self.on_release: Callable[[], None] = _nothing
        self._backend = backend
        self._pid = pid
        self._group = group
        self._uid = uid
        self._status_fd: int | None = status_fd
        self._status = b""
        self._init_pidfd: int | None = None
        self._child_pid: int | None = None
        self._go_fd: int | None = go_fd
        self._adopting: asyncio.Task[None] | None = None
        os.set_blocking(status_fd, False)
        asyncio.get_running_loop().add_reader(status_fd, self._on_status)

    def _on_status(self) -> None:
        assert self._status_fd is not None
        try:
            data = os.read(self._status_fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        self._status += data
        if self._child_pid is None:
            self._find_child()
        if not data:
            self._close_status()

    def _find_child(self) -> None:
        """Hold a pidfd on the sandbox's init (pid 1 inside), the handle that kills it all."""
        for line in self._status.splitlines():
            with contextlib.suppress(ValueError):
                item = json.loads(line)
                if isinstance(item, dict) and isinstance(item.get("child-pid"), int):
                    self._child_pid = item["child-pid"]
                    break
        if self._child_pid is None:
            return
        try:
            pidfd = os.pidfd_open(self._child_pid)
        except OSError:
            return
        # The pid is only trusted while it is still bwrap's child: bwrap is ours and unreaped.
        if _parent_of(self._child_pid) == self._pid:
            self._init_pidfd = pidfd
            self._adopting = asyncio.get_running_loop().create_task(self._adopt(self._child_pid))
        else:
            os.close(pidfd)

    async def _adopt(self, child: int) -> None:
        """Move the sandbox into the run's cgroup, then let bwrap start the program.

        Done here rather than by the launching shell: a task moving itself between v1
        cgroups waits for an RCU grace period (~10 ms); here that overlaps bwrap's set-up.
        bwrap's child has not forked yet (it blocks on `--block-fd`), so everything the
        program starts is born inside the cgroup.
        """
        try:
            if self._group is not None:
                await asyncio.to_thread(self._group.adopt, child)
            if self._go_fd is not None:
                os.write(self._go_fd, b"1")
        except OSError:
            log.exception("could not move run %s into its cgroup", self._pid)
            self.kill()
        finally:
            self._close_go()

    def _close_go(self) -> None:
        if self._go_fd is not None:
            os.close(self._go_fd)
            self._go_fd = None

    def _close_status(self) -> None:
        if self._status_fd is not None:
            asyncio.get_running_loop().remove_reader(self._status_fd)
            os.close(self._status_fd)
            self._status_fd = None

    async def _reap_init(self, pidfd: int) -> None:
        """Reap the sandbox's init, which bwrap leaves behind when it exits.

        bwrap exits as soon as it learns the program's status; its init then dies of
        --die-with-parent and, with us as subreaper, becomes our zombie to collect.
        """
        loop = asyncio.get_running_loop()
        exited: asyncio.Future[None] = loop.create_future()
        loop.add_reader(pidfd, _resolve, exited)
        try:
            await asyncio.wait_for(exited, INIT_EXIT_S)
        except TimeoutError:
            log.warning("the sandbox init of run %s did not exit", self._pid)
            return
        finally:
            loop.remove_reader(pidfd)
        with contextlib.suppress(ChildProcessError, OSError):
            # It has exited (the pidfd said so): WNOHANG, this never blocks.
            os.waitid(os.P_PIDFD, pidfd, os.WEXITED | os.WNOHANG)  # noqa: ASYNC222

    def started(self) -> bool:
        return self._child_pid is not None and self._go_fd is None

    def kill(self) -> None:
        if self._group is not None:
            self._group.kill()
        if self._init_pidfd is not None:
            # Killing the namespace's init kills every process in it (the kernel's doing).
            with contextlib.suppress(ProcessLookupError, OSError):
                signal.pidfd_send_signal(self._init_pidfd, signal.SIGKILL)
        elif not self.started():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)

    async def release(self) -> None:
        if self._adopting is not None and not self._adopting.done():
            self._adopting.cancel()
        self._close_go()
        if self._status_fd is not None:
            self._on_status()
            self._close_status()
        if self._init_pidfd is not None:
            await self._reap_init(self._init_pidfd)
            os.close(self._init_pidfd)
            self._init_pidfd = None
        try:
            if self._group is not None:
                if self._group.pids():
                    await asyncio.to_thread(self._group.remove)
                else:
                    self._group.remove()
        finally:
            self._backend._release_uid(self._uid)
            self.on_release()


def _nothing() -> None:
    return None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _become_subreaper() -> None:
    """Orphans of our runs (bwrap's init) come back to us to be reaped, not to pid 1."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            log.info("could not become a subreaper: errno %s", ctypes.get_errno())
    except (OSError, AttributeError) as error:
        log.info("could not become a subreaper: %s", error)


def _memfd(data: bytes) -> int:
    fd = os.memfd_create("playground-file", os.MFD_CLOEXEC)
    try:
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError:
        os.close(fd)
        raise
    return fd


def _popen(argv: list[str], fds: list[int], opened: list[int], ours: list[int]) -> Spawned:
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


def _parent_of(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1])


def _reachable_by_others(tree: Path) -> bool:
    """Whether a uid with no relation to the owners can read `tree` (x on every ancestor)."""
    for path in (*reversed(tree.parents), tree):
        try:
            mode = path.stat().st_mode
        except OSError:
            return False
        if not mode & stat.S_IXOTH or (path == tree and not mode & stat.S_IROTH):
            return False
    return True

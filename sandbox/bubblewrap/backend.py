"""The bubblewrap backend (the default): spawn each run in bwrap, confined and measured.

User code never runs as root. When the server is root, each run gets its own unprivileged
host uid from a pool (so runs cannot signal or outlive each other under one id) and its own
cgroup; when the server is an ordinary user, bwrap's user namespace maps it to uid 1000 inside
and limits fall back to rlimits unless a cgroup can be created. See `command` for
the exact confinement and docs/security.md for what it promises.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import tempfile
from pathlib import Path, PurePosixPath

from lionagi_playground.sandbox.backend import Execution
from lionagi_playground.sandbox.bubblewrap.command import (
    SANDBOX_GID,
    SANDBOX_UID,
    CommandParts,
    HostIds,
    build_launch,
    setenv_args,
)
from lionagi_playground.sandbox.bubblewrap.containment import (
    BubblewrapContainment,
    BubblewrapRoot,
)
from lionagi_playground.sandbox.bubblewrap.spawn import become_subreaper, memfd, popen
from lionagi_playground.sandbox.bubblewrap.uid_pool import UidPool
from lionagi_playground.sandbox.cgroups import CgroupHost, RunCgroup, RunLimits
from lionagi_playground.sandbox.datasets import EXAMPLES_DIR
from lionagi_playground.sandbox.display import NONCE_ENV
from lionagi_playground.sandbox.errors import BackendUnavailableError, RunStartError
from lionagi_playground.sandbox.request import RunRequest
from lionagi_playground.sandbox.runtimes import Runtime, available_runtimes, choose_runtime
from lionagi_playground.sandbox.seccomp import bpf_fd, deny_list_bpf
from lionagi_playground.sandbox.supervisor import SupervisedRun
from lionagi_playground.sandbox.usage import CgroupUsage, ProcessTreeUsage, UsageProbe

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
        if self._cgroups is not None:
            self._cgroups.reap_stale()
        self._state_dir = state_dir
        self._etc_dir: Path | None = None
        self._staged: dict[Path, Path] = {}
        self._runs: set[SupervisedRun] = set()
        self._reason = self._check()
        if self._reason is None:
            become_subreaper()

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
        if not EXAMPLES_DIR.is_dir():
            return f"the example datasets are missing at {EXAMPLES_DIR}: reinstall the package"
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
            trees.add(EXAMPLES_DIR)
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
                fd = memfd(text.encode("utf-8", "surrogatepass"))
                opened.append(fd)
                file_fds[PurePosixPath(name)] = fd
            seccomp = bpf_fd()
            opened.append(seccomp)
            args_fd = None
            if request.env:
                args_fd = memfd(setenv_args(request.env))
                opened.append(args_fd)
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
                    examples=EXAMPLES_DIR,
                    staged=self._staged,
                    args_fd=args_fd,
                )
            )
            spawned = popen(launch.argv, launch.fds, opened, ours)
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
        containment = BubblewrapContainment(
            spawned.pid, status_read, block_write, group, uid, probe, self._release_uid
        )
        root = BubblewrapRoot(spawned.pid, containment)
        run = SupervisedRun(spawned, containment, limits, nonce, request.stdin, root)
        self._runs.add(run)
        containment.on_release = lambda: self._runs.discard(run)
        run.start()
        return run

    def _release_uid(self, uid: int | None) -> None:
        if uid is not None and self._uids is not None:
            self._uids.release(uid)


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

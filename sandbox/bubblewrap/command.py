"""The command line that starts one run under bubblewrap: the mounts, the ids, the limits.

Pure apart from looking at which host paths exist. The result is a launch chain whose every
link `exec`s the next, so the process the backend spawns ends up being bwrap itself:

    sh (backstop rlimits)
      [root only] unshare -m + mount: stage host trees the sandbox uid cannot reach
      [root only] setpriv: become the run's unprivileged uid, no groups, no capabilities
      bwrap: every namespace, read-only system, tmpfs /tmp and /workspace (with the example
             datasets read-only at /workspace/examples), seccomp
        [no cgroup] prlimit: process and address-space rlimits inside the user namespace
          the runtime's command
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lionagi_playground.sandbox.datasets import EXAMPLES_IN_RUN
from lionagi_playground.sandbox.limits import Limits
from lionagi_playground.sandbox.runtimes import BASE_ENV, WORKSPACE, Runtime

SANDBOX_UID = 1000
SANDBOX_GID = 1000
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/host.conf",
    "/etc/gai.conf",
    "/etc/protocols",
    "/etc/services",
    "/etc/mime.types",
    "/etc/alternatives",
    "/etc/ssl/certs",
    "/etc/ssl/openssl.cnf",
    "/etc/ca-certificates",
    "/etc/fonts",
    "/etc/python3",
    "/etc/python3.11",
)
"""The only /etc entries a sandbox sees: nothing secret (never shadow, ssh, sudoers)."""

USR_LINKS = ("bin", "sbin", "lib", "lib64", "lib32", "libx32")


@dataclass(frozen=True)
class HostIds:
    """Who runs bwrap on the host: a dedicated uid when the server is root, else the server."""

    uid: int | None = None
    gid: int | None = None

    @property
    def drops_privileges(self) -> bool:
        return self.uid is not None


@dataclass(frozen=True)
class Launch:
    """What to spawn: argv, and the fds (by number in the child) to hand over."""

    argv: list[str]
    fds: list[int] = field(default_factory=list)
    """Fds the child inherits under the same numbers (bwrap reads them by number)."""


@dataclass
class CommandParts:
    """Inputs of `build_launch`, gathered by the backend."""

    runtime: Runtime
    entry: PurePosixPath
    limits: Limits
    env: Mapping[str, str]
    file_fds: Mapping[PurePosixPath, int]
    seccomp_fd: int
    status_fd: int
    etc_dir: Path
    ids: HostIds
    block_fd: int | None = None
    """bwrap waits on it before starting the program: the backend first moves the sandbox
    into the run's cgroup (see `containment`)."""
    cgroup: bool = False
    examples: Path | None = None
    """The example datasets' host folder, bound read-only at `/workspace/examples`."""
    staged: Mapping[Path, Path] = field(default_factory=dict)
    """host tree -> the world-traversable mount point it is staged on (root mode)."""
    args_fd: int | None = None
    """bwrap reads more arguments from it (`--args`): the request's own environment
    (`setenv_args`), which may hold API keys and so never goes on a command line, where any
    user of the host could read it in /proc."""


def setenv_args(env: Mapping[str, str]) -> bytes:
    """`--setenv NAME VALUE` for each variable, NUL-separated, as bwrap's `--args` reads."""
    return b"".join(
        b"--setenv\0" + name.encode() + b"\0" + value.encode() + b"\0"
        for name, value in sorted(env.items())
    )


def build_launch(parts: CommandParts) -> Launch:
    fds: list[int] = []

    def hand_over(fd: int) -> str:
        fds.append(fd)
        return str(fd)

    bwrap = ["bwrap", *_namespaces(parts.limits), *_system_mounts(parts.etc_dir)]
    disk = str(parts.limits.disk_bytes)
    bwrap += ["--size", disk, "--perms", "1777", "--tmpfs", "/tmp"]
    bwrap += ["--size", disk, "--perms", "0755", "--tmpfs", str(WORKSPACE)]
    # After the tmpfs mounts, so that a runtime environment kept under /tmp
    # (a CI cache, a test's temporary home) is not hidden by the sandbox's /tmp.
    for tree in parts.runtime.mounts:
        source = parts.staged.get(tree, tree)
        bwrap += ["--ro-bind", str(source), str(tree)]
    if parts.examples is not None:
        # Inside the workspace's tmpfs, but a read-only mount of its own: the run can read
        # the datasets and can neither change, add, remove nor unmount anything there.
        source = parts.staged.get(parts.examples, parts.examples)
        bwrap += ["--ro-bind", str(source), str(EXAMPLES_IN_RUN)]
    made: set[PurePosixPath] = set()
    for path, fd in sorted(parts.file_fds.items()):
        for parent in reversed(path.parents[:-1]):
            if parent not in made:
                made.add(parent)
                bwrap += ["--dir", str(WORKSPACE / parent)]
        bwrap += ["--perms", "0644", "--file", hand_over(fd), str(WORKSPACE / path)]
    # The root bwrap builds is a tmpfs: make it read-only so only /tmp and /workspace
    # (separate mounts) can be written.
    bwrap += ["--remount-ro", "/", "--chdir", str(WORKSPACE)]
    for name, value in (*BASE_ENV, *parts.runtime.env, *sorted(parts.env.items())):
        bwrap += ["--setenv", name, value]
    if parts.args_fd is not None:
        bwrap += ["--args", hand_over(parts.args_fd)]  # after the runtime's: it overrides
    bwrap += ["--seccomp", hand_over(parts.seccomp_fd)]
    bwrap += ["--json-status-fd", hand_over(parts.status_fd)]
    if parts.block_fd is not None:
        bwrap += ["--block-fd", hand_over(parts.block_fd)]
    bwrap += ["--", *_inner_rlimits(parts), *parts.runtime.argv(parts.entry)]

    chain = [*_privilege_drop(parts.ids), *bwrap]
    if parts.staged:
        chain = _staging(parts.staged, chain)
    return Launch(argv=_trampoline(parts, chain), fds=fds)


def _namespaces(limits: Limits) -> list[str]:
    args = ["--unshare-all", "--unshare-user", "--disable-userns"]
    if limits.network:
        args.append("--share-net")
    args += ["--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID), "--hostname", "playground"]
    # --new-session: no TIOCSTI into a terminal; --die-with-parent: nothing outlives bwrap.
    args += ["--die-with-parent", "--new-session", "--clearenv"]
    return args


def _system_mounts(etc_dir: Path) -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in USR_LINKS:
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", str(host.readlink()), f"/{name}"]
        elif host.is_dir():
            args += ["--ro-bind", str(host), f"/{name}"]
    for path in ETC_FILES:
        args += ["--ro-bind-try", path, path]
    for name in ("passwd", "group", "hosts"):
        args += ["--ro-bind", str(etc_dir / name), f"/etc/{name}"]
    args += ["--proc", "/proc", "--dev", "/dev"]
    return args


def _inner_rlimits(parts: CommandParts) -> list[str]:
    """Process and memory rlimits where no cgroup enforces them.

    Set inside bwrap: RLIMIT_NPROC counts per user namespace there, so the host user's own
    processes do not count against the run.
    """
    if parts.cgroup:
        return []
    args = ["/usr/bin/prlimit", f"--nproc={parts.limits.pids}"]
    if parts.runtime.address_space_limit:
        args.append(f"--as={parts.limits.memory_bytes}")
    return [*args, "--"]


def _privilege_drop(ids: HostIds) -> list[str]:
    if not ids.drops_privileges:
        return []
    return [
        "setpriv",
        f"--reuid={ids.uid}",
        f"--regid={ids.gid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]


def _staging(staged: Mapping[Path, Path], chain: list[str]) -> list[str]:
    """Bind host trees onto reachable mount points in a private mount namespace of this run.

    The sandbox uid cannot traverse e.g. /root to the runtime environment, and bwrap resolves
    bind sources as that uid; the private namespace keeps the host's mount table untouched.
    """
    mounts = " && ".join(
        f"mount --bind -o ro {shlex.quote(str(source))} {shlex.quote(str(point))}"
        for source, point in staged.items()
    )
    script = f'{mounts} && exec "$@"'
    return [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "/bin/sh",
        "-c",
        script,
        "sh",
        *chain,
    ]


def _trampoline(parts: CommandParts, chain: list[str]) -> list[str]:
    """A dash script that sets the backstop rlimits, then execs the chain."""
    file_blocks = max(1, parts.limits.disk_bytes // 512)  # dash counts -f in 512-byte blocks
    lines = ["ulimit -c 0", f"ulimit -n {parts.limits.open_files}", f"ulimit -f {file_blocks}"]
    script = " && ".join(lines) + ' && exec "$@"'
    return ["/bin/sh", "-c", script, "sh", *chain]

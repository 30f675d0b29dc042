"""The host's cgroup hierarchies: where this process may create run cgroups (v2 preferred, v1
otherwise), and which cgroup another process is in (a Docker container's, to read its usage).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from pathlib import Path

from lionagi_playground.sandbox.cgroups.files import read, write
from lionagi_playground.sandbox.cgroups.run import RunCgroup, RunLimits

log = logging.getLogger(__name__)

PARENT_NAME = "lionagi-playground"
V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")
V2_CONTROLLERS = ("memory", "pids", "cpu")


def _mounts() -> list[tuple[str, str, str]]:
    """(mount point, fs type, super options) of every cgroup mount."""
    found = []
    for line in read(Path("/proc/self/mountinfo")).splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) > 4 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            found.append((fields[4].replace("\\040", " "), tail[0], tail[2]))
    return found


def _own_paths() -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path."""
    paths = {}
    for line in read(Path("/proc/self/cgroup")).splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


class CgroupHost:
    """Where this process may create run cgroups: the version and the parent directories."""

    def __init__(self, version: int, parents: dict[str, Path]) -> None:
        self.version = version
        self.parents = parents

    @classmethod
    def detect(cls) -> CgroupHost | None:
        """The writable cgroup hierarchy to use, preferring v2 with our controllers."""
        mounts = _mounts()
        own = _own_paths()
        for point, fstype, _ in mounts:
            if fstype == "cgroup2":
                host = cls._try_v2(Path(point), own.get("", "/"))
                if host is not None:
                    return host
        return cls._try_v1(mounts, own)

    @classmethod
    def _try_v2(cls, mount: Path, own: str) -> CgroupHost | None:
        available = set(read(mount / "cgroup.controllers").split())
        if not set(V2_CONTROLLERS) <= available:
            return None
        base = mount / own.lstrip("/")
        parent = base / PARENT_NAME
        try:
            _enable_v2(base, mount)
            parent.mkdir(exist_ok=True)
            write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in V2_CONTROLLERS))
            _probe(parent)
        except OSError as error:
            log.info("cgroup v2 at %s not usable: %s", base, error)
            return None
        return cls(2, dict.fromkeys(V2_CONTROLLERS, parent))

    @classmethod
    def _try_v1(cls, mounts: list[tuple[str, str, str]], own: dict[str, str]) -> CgroupHost | None:
        parents: dict[str, Path] = {}
        for controller in V1_CONTROLLERS:
            for point, fstype, options in mounts:
                if fstype == "cgroup" and controller in options.split(","):
                    base = Path(point) / own.get(controller, "/").lstrip("/")
                    parents[controller] = base / PARENT_NAME
                    break
        if set(parents) != set(V1_CONTROLLERS):
            return None
        try:
            for path in parents.values():
                path.mkdir(exist_ok=True)
                _probe(path)
        except OSError as error:
            log.info("cgroup v1 not usable: %s", error)
            return None
        return cls(1, parents)

    def create(self, name: str, limits: RunLimits) -> RunCgroup:
        dirs: dict[str, Path] = {}
        try:
            for controller, parent in self.parents.items():
                path = parent / name
                if path not in dirs.values():
                    path.mkdir()
                dirs[controller] = path
            group = RunCgroup(self.version, dirs)
            group.apply(limits)
        except OSError:
            for path in dict.fromkeys(dirs.values()):
                with contextlib.suppress(OSError):
                    path.rmdir()
            raise
        return group

    def reap_stale(self) -> list[str]:
        """Remove the run cgroups of servers that died (killed mid-run): their processes too.

        A run cgroup is named `run-<run id>-<server pid>`; one whose server pid is gone can
        never be removed by its owner, and its processes (if any survived) belong to nobody.
        Returns the names removed.
        """
        removed = []
        names: set[str] = set()
        for parent in dict.fromkeys(self.parents.values()):
            with contextlib.suppress(OSError):
                names.update(p.name for p in parent.iterdir() if p.name.startswith("run-"))
        for name in sorted(names):
            owner = name.rpartition("-")[2]
            if not owner.isdigit() or Path(f"/proc/{owner}").exists():
                continue
            dirs = {c: parent / name for c, parent in self.parents.items()}
            if all(d.is_dir() for d in dirs.values()):
                if RunCgroup(self.version, dirs).remove():
                    removed.append(name)
                continue
            for directory in dirs.values():  # half made: only empty directories are left
                with contextlib.suppress(OSError):
                    directory.rmdir()
            removed.append(name)
        if removed:
            log.info("removed %d run cgroups left by dead servers", len(removed))
        return removed

    def leftovers(self) -> list[Path]:
        """This process's run cgroups that still exist (for the tests' clean-host check)."""
        found = []
        suffix = f"-{os.getpid()}"
        for parent in dict.fromkeys(self.parents.values()):
            with contextlib.suppress(OSError):
                found += [
                    p
                    for p in parent.iterdir()
                    if p.is_dir() and p.name.startswith("run-") and p.name.endswith(suffix)
                ]
        return found


def cgroup_of(pid: int) -> RunCgroup | None:
    """A read view of the cgroup `pid` is in (another manager's, e.g. a Docker container's).

    None when its controllers are not all mounted here, or the process is gone.
    """
    lines = read(Path(f"/proc/{pid}/cgroup")).splitlines()
    paths = {}
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    mounts = _mounts()
    if "" in paths and paths.get("memory") is None:
        for point, fstype, _ in mounts:
            if fstype == "cgroup2":
                directory = Path(point) / paths[""].lstrip("/")
                if directory.is_dir():
                    return RunCgroup(2, dict.fromkeys(V2_CONTROLLERS, directory))
        return None
    dirs: dict[str, Path] = {}
    for controller in V1_CONTROLLERS:
        for point, fstype, options in mounts:
            if fstype == "cgroup" and controller in options.split(",") and controller in paths:
                dirs[controller] = Path(point) / paths[controller].lstrip("/")
                break
    if set(dirs) != set(V1_CONTROLLERS) or not all(d.is_dir() for d in dirs.values()):
        return None
    return RunCgroup(1, dirs)


def _probe(parent: Path) -> None:
    """Raise unless we may create (and remove) a child cgroup here."""
    probe = parent / f"probe-{os.getpid()}"
    probe.mkdir()
    probe.rmdir()


def _enable_v2(base: Path, mount: Path) -> None:
    """Make our controllers available to children of `base` (v2's no-internal-process rule).

    A non-root cgroup with processes cannot delegate controllers, so, as container runtimes
    do, its processes first move to a leaf `server` child.
    """
    wanted = " ".join(f"+{c}" for c in V2_CONTROLLERS)
    if set(V2_CONTROLLERS) <= set(read(base / "cgroup.subtree_control").split()):
        return
    try:
        write(base / "cgroup.subtree_control", wanted)
        return
    except OSError as error:
        if error.errno != errno.EBUSY or base == mount:
            raise
    leaf = base / "server"
    leaf.mkdir(exist_ok=True)
    for pid in read(base / "cgroup.procs").split():
        with contextlib.suppress(OSError):
            write(leaf / "cgroup.procs", pid)
    write(base / "cgroup.subtree_control", wanted)

"""One cgroup per run, on cgroup v1 or v2 (found at run time): limits, usage, kill, removal.

The run's processes join the cgroup before anything of the user's runs, so every descendant
(daemons included) is accounted, limited and killed with it. Where no cgroup can be created
(an ordinary user without delegation), `CgroupHost.detect` returns None and the backend falls
back to rlimits.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PARENT_NAME = "lionagi-playground"
V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")
V2_CONTROLLERS = ("memory", "pids", "cpu")
CFS_PERIOD_US = 100_000


@dataclass(frozen=True)
class RunLimits:
    memory_bytes: int
    pids: int
    cpus: float


def _read(path: Path) -> str:
    with contextlib.suppress(OSError):
        return path.read_text()
    return ""


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return 0


def _keyed(text: str, key: str) -> int:
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            return _int(value)
    return 0


def _mounts() -> list[tuple[str, str, str]]:
    """(mount point, fs type, super options) of every cgroup mount."""
    found = []
    for line in _read(Path("/proc/self/mountinfo")).splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) > 4 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            found.append((fields[4].replace("\\040", " "), tail[0], tail[2]))
    return found


def _own_paths() -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path."""
    paths = {}
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


class RunCgroup:
    """The cgroup (one directory per v1 controller, or one v2 directory) of one run."""

    def __init__(self, version: int, dirs: dict[str, Path]) -> None:
        self.version = version
        self.dirs = dirs
        self._peak_sampled = 0

    @property
    def procs_files(self) -> list[Path]:
        """Where a process writes its pid to join (every controller on v1)."""
        unique = dict.fromkeys(path / "cgroup.procs" for path in self.dirs.values())
        return list(unique)

    def adopt(self, pid: int) -> None:
        """Move `pid` (not yet running user code, so with no children) into the run."""
        for procs in self.procs_files:
            _write(procs, str(pid))

    def apply(self, limits: RunLimits) -> None:
        quota = max(1000, int(limits.cpus * CFS_PERIOD_US))
        if self.version == 2:
            d = self.dirs["memory"]
            _write(d / "memory.max", str(limits.memory_bytes))
            with contextlib.suppress(OSError):  # absent when the kernel has no swap accounting
                _write(d / "memory.swap.max", "0")
            with contextlib.suppress(OSError):
                _write(d / "memory.oom.group", "1")
            _write(d / "pids.max", str(limits.pids))
            _write(d / "cpu.max", f"{quota} {CFS_PERIOD_US}")
            return
        memory = self.dirs["memory"]
        _write(memory / "memory.limit_in_bytes", str(limits.memory_bytes))
        with contextlib.suppress(OSError):
            _write(memory / "memory.memsw.limit_in_bytes", str(limits.memory_bytes))
        with contextlib.suppress(OSError):
            _write(memory / "memory.swappiness", "0")
        _write(self.dirs["pids"] / "pids.max", str(limits.pids))
        _write(self.dirs["cpu"] / "cpu.cfs_period_us", str(CFS_PERIOD_US))
        _write(self.dirs["cpu"] / "cpu.cfs_quota_us", str(quota))

    def memory_bytes(self) -> int:
        if self.version == 2:
            value = _int(_read(self.dirs["memory"] / "memory.current"))
        else:
            value = _int(_read(self.dirs["memory"] / "memory.usage_in_bytes"))
        self._peak_sampled = max(self._peak_sampled, value)
        return value

    def peak_memory_bytes(self) -> int:
        if self.version == 2:
            peak = _int(_read(self.dirs["memory"] / "memory.peak"))
        else:
            peak = _int(_read(self.dirs["memory"] / "memory.max_usage_in_bytes"))
        return max(peak, self._peak_sampled)

    def cpu_ns(self) -> int:
        if self.version == 2:
            return _keyed(_read(self.dirs["cpu"] / "cpu.stat"), "usage_usec") * 1000
        return _int(_read(self.dirs["cpuacct"] / "cpuacct.usage"))

    def oom_kills(self) -> int:
        if self.version == 2:
            return _keyed(_read(self.dirs["memory"] / "memory.events"), "oom_kill")
        return _keyed(_read(self.dirs["memory"] / "memory.oom_control"), "oom_kill")

    def pids(self) -> list[int]:
        found: set[int] = set()
        for procs in self.procs_files:
            found.update(_int(line) for line in _read(procs).split())
        found.discard(0)
        return sorted(found)

    def kill(self) -> None:
        """SIGKILL every process in the run; new forks are caught by the next pass."""
        kill_file = self.dirs["memory"] / "cgroup.kill"
        if self.version == 2 and kill_file.exists():
            with contextlib.suppress(OSError):
                _write(kill_file, "1")
                return
        for _ in range(100):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def remove(self, wait_s: float = 5.0) -> bool:
        """Kill what is left and delete the directories; False if one could not be removed."""
        deadline = time.monotonic() + wait_s
        removed = True
        for path in dict.fromkeys(self.dirs.values()):
            while True:
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        log.warning("could not remove cgroup %s: %s", path, error)
                        removed = False
                        break
                    self.kill()
                    time.sleep(0.005)  # the kernel finishes exiting the killed tasks
        return removed


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
        available = set(_read(mount / "cgroup.controllers").split())
        if not set(V2_CONTROLLERS) <= available:
            return None
        base = mount / own.lstrip("/")
        parent = base / PARENT_NAME
        try:
            _enable_v2(base, mount)
            parent.mkdir(exist_ok=True)
            _write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in V2_CONTROLLERS))
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

    def leftovers(self) -> list[Path]:
        """Run cgroups that still exist (for the tests' clean-host check)."""
        found = []
        for parent in dict.fromkeys(self.parents.values()):
            with contextlib.suppress(OSError):
                found += [p for p in parent.iterdir() if p.is_dir() and p.name.startswith("run-")]
        return found


def cgroup_of(pid: int) -> RunCgroup | None:
    """A read view of the cgroup `pid` is in (another manager's, e.g. a Docker container's).

    None when its controllers are not all mounted here, or the process is gone.
    """
    lines = _read(Path(f"/proc/{pid}/cgroup")).splitlines()
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
    if set(V2_CONTROLLERS) <= set(_read(base / "cgroup.subtree_control").split()):
        return
    try:
        _write(base / "cgroup.subtree_control", wanted)
        return
    except OSError as error:
        if error.errno != errno.EBUSY or base == mount:
            raise
    leaf = base / "server"
    leaf.mkdir(exist_ok=True)
    for pid in _read(base / "cgroup.procs").split():
        with contextlib.suppress(OSError):
            _write(leaf / "cgroup.procs", pid)
    _write(base / "cgroup.subtree_control", wanted)

"""The warm pool: hardened sandbox containers started ahead of time, each used for one run.

A container is created, attached and started before anyone asks for it; its pid 1 (the
agent) waits for a run header on stdin, so a claim costs no container start. Each container
serves exactly one run and is then destroyed: no process, file, IPC object or daemon can
survive into another run, no container ever serves two playgrounds, and a container that
hit a limit is gone with the rest. The pool keeps `min_warm` containers of the default
shape ready and never has more than `max_containers` alive (warm, running, being created
or being removed). A run whose limits differ from the defaults gets a container made for
it. Docker calls are blocking, so they run on a small thread pool of the pool's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import signal
import socket
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lionagi_playground.sandbox.cgroups import RunCgroup, cgroup_of
from lionagi_playground.sandbox.docker_image import AGENT_IN_IMAGE
from lionagi_playground.sandbox.docker_seccomp import profile_json
from lionagi_playground.sandbox.errors import RunStartError
from lionagi_playground.sandbox.limits import DEFAULT_LIMITS, MIB, Limits

log = logging.getLogger(__name__)

POOL_LABEL = "org.lionagi-playground.pool"
OWNER_LABEL = "org.lionagi-playground.owner"
SANDBOX_USER = "1000:1000"
SHM_MAX = 64 * MIB
DEATH_WAIT_S = 5.0
T = TypeVar("T")


@dataclass(frozen=True)
class Shape:
    """What a container is created with: the limits that cannot change once it runs."""

    memory_bytes: int
    cpus: float
    pids: int
    disk_bytes: int
    open_files: int
    network: bool

    @classmethod
    def of(cls, limits: Limits) -> Shape:
        return cls(
            limits.memory_bytes,
            limits.cpus,
            limits.pids,
            limits.disk_bytes,
            limits.open_files,
            limits.network,
        )


@dataclass(eq=False)
class PoolContainer:
    """A started container whose agent waits for its run."""

    id: str
    shape: Shape
    sock: socket.socket
    pid: int
    """The agent's pid on the host (pid 1 inside)."""
    pidfd: int
    cgroup: RunCgroup | None
    stream: Any = None
    """docker-py's file object over `sock`: it holds a reference that keeps `sock` open."""
    closed: bool = field(default=False)

    def alive(self) -> bool:
        return not self.closed and not select.select([self.pidfd], [], [], 0)[0]

    def kill(self) -> None:
        """SIGKILL the agent: as the container's init, its death ends every process in it."""
        if not self.closed:
            with contextlib.suppress(ProcessLookupError, OSError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)

    async def dead(self, timeout_s: float = DEATH_WAIT_S) -> bool:
        """Wait until the agent (and with it every process of the container) is gone."""
        if self.closed:
            return True
        loop = asyncio.get_running_loop()
        gone: asyncio.Future[None] = loop.create_future()
        loop.add_reader(self.pidfd, _resolve, gone)
        try:
            await asyncio.wait_for(gone, timeout_s)
            return True
        except TimeoutError:
            return False
        finally:
            loop.remove_reader(self.pidfd)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.pidfd)
            if self.stream is not None:
                _close_stream(self.stream)
            with contextlib.suppress(OSError):
                self.sock.close()


class ContainerPool:
    """Warm, one-shot sandbox containers (see the module docstring)."""

    def __init__(
        self,
        client: Any,
        image: str,
        *,
        min_warm: int = 2,
        max_containers: int = 10,
        default_shape: Shape | None = None,
    ) -> None:
        if min_warm < 0 or max_containers < 1 or min_warm > max_containers:
            raise ValueError("need 0 <= min_warm <= max_containers and max_containers >= 1")
        self.client = client
        self.image = image
        self.min_warm = min_warm
        self.max_containers = max_containers
        self.default_shape = default_shape or Shape.of(DEFAULT_LIMITS)
        self.pool_id = os.urandom(6).hex()
        self.created = 0
        """How many containers this pool has created (tests and the benchmark read it)."""
        self.served: list[str] = []
        """The containers that served a run, in order: each must be gone once removed."""
        self.peak_total = 0
        """The most containers the pool ever held at once (never above `max_containers`)."""
        self.waiting = 0
        """Claims waiting for room under `max_containers`."""
        self._warm: list[PoolContainer] = []
        self._busy: set[str] = set()
        self._creating = 0
        self._creating_warm = 0
        self._removing = 0
        self._closed = False
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._executor = ThreadPoolExecutor(max_workers=6, thread_name_prefix="docker-pool")
        self._swept = False

    # -- counts ----------------------------------------------------------------------------

    @property
    def warm(self) -> int:
        return len(self._warm)

    @property
    def busy(self) -> int:
        return len(self._busy)

    @property
    def total(self) -> int:
        """Every container the pool holds: warm, running, being created or being removed."""
        return len(self._warm) + len(self._busy) + self._creating + self._removing

    def warm_ids(self) -> list[str]:
        return [c.id for c in self._warm]

    # -- claiming and retiring -------------------------------------------------------------

    async def claim(self, shape: Shape) -> PoolContainer:
        """A started container of `shape` for one run: a warm one, else one made now."""
        self._sweep_once()
        if shape == self.default_shape:
            # A warm container on its way is further along than one started now.
            await self._until(lambda: bool(self._warm) or self._creating_warm == 0)
        while shape == self.default_shape and self._warm:
            container = self._warm.pop(0)
            if container.alive():
                self._busy.add(container.id)
                self._refill()
                return container
            self._discard(container)
        self.waiting += 1
        self._notify()
        try:
            await self._until(lambda: self.total < self.max_containers)
        finally:
            self.waiting -= 1
        self._creating += 1
        self._count()
        try:
            container = await self._create(shape)
        finally:
            self._creating -= 1
            self._notify()
        self._busy.add(container.id)
        self._refill()
        return container

    def retire(self, container: PoolContainer) -> None:
        """The run is over: destroy its container (in the background) and refill."""
        self.served.append(container.id)
        self._busy.discard(container.id)
        self._discard(container)
        self._refill()

    async def fill(self) -> None:
        """Start filling, and return once `min_warm` containers are warm (or it failed)."""
        self._sweep_once()
        self._refill()
        await self._until(
            lambda: (
                len(self._warm) >= min(self.min_warm, self.max_containers - self.busy)
                or self._creating_warm == 0
            )
        )

    async def settled(self) -> None:
        """Until no container is being created or removed."""
        await self._until(lambda: self._creating == 0 and self._removing == 0)

    async def until(self, predicate: Callable[[], bool]) -> None:
        """Until `predicate` (of the pool's counts) holds; checked at every change."""
        await self._until(predicate)

    async def removed(self) -> None:
        """Until every container let go of so far is removed."""
        await self._until(lambda: self._removing == 0)

    async def exit_code(self, container: PoolContainer, timeout_s: float = DEATH_WAIT_S) -> int:
        """The container's exit code once it stopped (137 when Docker cannot say in time)."""
        try:
            result = await asyncio.wait_for(
                self._call(self.client.api.wait, container.id), timeout_s
            )
            return int(result.get("StatusCode", 137))
        except Exception:  # the daemon may already have removed it: a kill is the best guess
            return 137

    async def aclose(self) -> None:
        """Destroy every warm container and wait for every removal; busy ones are retired
        by their runs."""
        self._closed = True
        for container in list(self._warm):
            self._warm.remove(container)
            self._discard(container)
        await self.settled()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._executor.shutdown(wait=False)

    # -- inside ----------------------------------------------------------------------------

    def _refill(self) -> None:
        if self._closed:
            return
        while (
            len(self._warm) + self._creating_warm < self.min_warm
            and self.total < self.max_containers
        ):
            self._creating += 1
            self._creating_warm += 1
            self._count()
            self._spawn(self._add_warm())

    async def _add_warm(self) -> None:
        try:
            container = await self._create(self.default_shape)
        except Exception:
            # Not retried here: a daemon that refuses now would be asked in a tight loop;
            # the next claim or retire tries again.
            log.exception("could not start a warm sandbox container")
            return
        finally:
            self._creating -= 1
            self._creating_warm -= 1
            self._notify()
        if self._closed:
            self._discard(container)
        else:
            self._warm.append(container)
        self._notify()

    def _discard(self, container: PoolContainer) -> None:
        container.kill()
        self._removing += 1
        self._spawn(self._remove(container))

    async def _remove(self, container: PoolContainer) -> None:
        try:
            await self._call(_remove_container, self.client, container.id)
        except Exception:
            log.exception("could not remove sandbox container %s", container.id[:12])
        finally:
            container.close()
            self._removing -= 1
            self._notify()
            self._refill()

    async def _create(self, shape: Shape) -> PoolContainer:
        container_id, stream, pid = await self._call(self._create_blocking, shape)
        try:
            pidfd = os.pidfd_open(pid)
        except OSError as error:
            await self._call(_remove_container, self.client, container_id)
            _close_stream(stream)
            raise RunStartError(f"the sandbox container exited at once: {error}") from error
        self.created += 1
        # Docker keeps one cgroup per container (per v1 controller) on this host.
        return PoolContainer(
            container_id, shape, stream._sock, pid, pidfd, cgroup_of(pid), stream=stream
        )

    def _create_blocking(self, shape: Shape) -> tuple[str, Any, int]:
        api = self.client.api
        created = api.create_container(
            self.image,
            command=["/usr/bin/python3", "-I", "-S", str(AGENT_IN_IMAGE)],
            user=SANDBOX_USER,
            stdin_open=True,  # with attach, docker-py sets StdinOnce: our half-close is EOF
            tty=False,
            hostname="playground",
            working_dir="/workspace",
            environment={"PATH": "/usr/bin:/bin"},
            labels={POOL_LABEL: self.pool_id, OWNER_LABEL: _owner()},
            host_config=api.create_host_config(**host_config(shape)),
        )
        container_id = str(created["Id"])
        try:
            stream = api.attach_socket(
                container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
        except BaseException:
            _remove_container(self.client, container_id)
            raise
        try:
            stream._sock.settimeout(None)  # a run may print nothing for minutes
            api.start(container_id)
            pid = int(api.inspect_container(container_id)["State"]["Pid"])
            if pid <= 0:
                raise RunStartError("the sandbox container stopped as soon as it started")
        except BaseException:
            _remove_container(self.client, container_id)
            _close_stream(stream)
            raise
        return container_id, stream, pid

    def _sweep_once(self) -> None:
        """Remove containers left by pools of processes that no longer exist (a crash)."""
        if not self._swept:
            self._swept = True
            self._removing += 1
            self._spawn(self._sweep())

    async def _sweep(self) -> None:
        try:
            stale = await self._call(_stale_containers, self.client)
            for container_id in stale:
                await self._call(_remove_container, self.client, container_id)
            if stale:
                log.info("removed %d sandbox containers of dead processes", len(stale))
        except Exception:
            log.exception("could not look for stale sandbox containers")
        finally:
            self._removing -= 1
            self._notify()

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _count(self) -> None:
        self.peak_total = max(self.peak_total, self.total)

    def _notify(self) -> None:
        """Wake every `_until` waiter to look at the counts again."""
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _until(self, predicate: Callable[[], bool]) -> None:
        while not predicate():
            await self._changed.wait()


def host_config(shape: Shape) -> dict[str, Any]:
    """The hardened settings of every sandbox container (docs/security.md lists them)."""
    from docker.types import LogConfig, Ulimit

    disk = shape.disk_bytes
    return {
        "network_mode": "bridge" if shape.network else "none",
        "mem_limit": shape.memory_bytes,
        "memswap_limit": shape.memory_bytes,  # equal: no swap at all
        "mem_swappiness": 0,
        "nano_cpus": int(shape.cpus * 1e9),
        "pids_limit": shape.pids,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true", f"seccomp={profile_json()}"],
        "read_only": True,
        "tmpfs": {
            "/tmp": f"rw,nosuid,nodev,size={disk},mode=1777",
            "/workspace": f"rw,nosuid,nodev,size={disk},mode=0755,uid=1000,gid=1000",
        },
        "shm_size": min(disk, SHM_MAX),
        "ipc_mode": "private",
        "ulimits": [
            Ulimit(name="nofile", soft=shape.open_files, hard=shape.open_files),
            Ulimit(name="fsize", soft=disk, hard=disk),
            Ulimit(name="core", soft=0, hard=0),
        ],
        # No log driver: a flood must not fill the host's disk under /var/lib/docker.
        "log_config": LogConfig(type="none"),
        # docker-init is not used: the agent is this container's init (see image/agent.py).
        "init": False,
        "auto_remove": False,
    }


def _close_stream(stream: Any) -> None:
    sock = stream._sock  # closing the file object forgets it
    with contextlib.suppress(OSError):
        stream.close()
        sock.close()


REMOVE_ATTEMPTS = 5


def _remove_container(client: Any, container_id: str) -> None:
    from docker.errors import APIError, NotFound

    for attempt in range(1, REMOVE_ATTEMPTS + 1):
        try:
            client.api.remove_container(container_id, force=True)
            return
        except NotFound:
            return
        except APIError:
            # dockerd 20.10 refuses a forced removal that races with the container's own
            # exit ("Could not kill running container ..., cannot remove - ... is not
            # running") and leaves it marked "Removal In Progress". Once the container has
            # stopped, removing it again works.
            if attempt == REMOVE_ATTEMPTS:
                raise
            log.info("removing container %s again (attempt %d)", container_id[:12], attempt + 1)
            with contextlib.suppress(Exception):  # NotFound, APIError, a read timeout
                client.api.wait(container_id, timeout=10)


def _owner() -> str:
    """This process, in a form that stays unique across pid reuse: boot, pid, start time."""
    return f"{_boot_id()}:{os.getpid()}:{_start_time(os.getpid())}"


def _boot_id() -> str:
    with contextlib.suppress(OSError):
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return "unknown"


def _start_time(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "gone"


def _stale_containers(client: Any) -> list[str]:
    stale = []
    for item in client.api.containers(all=True, filters={"label": POOL_LABEL}):
        owner = str(item.get("Labels", {}).get(OWNER_LABEL, ""))
        boot, _, rest = owner.partition(":")
        pid_text, _, started = rest.partition(":")
        alive = boot == _boot_id() and pid_text.isdigit() and _start_time(int(pid_text)) == started
        if not alive:
            stale.append(str(item["Id"]))
    return stale


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)

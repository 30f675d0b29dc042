"""The warm pool: hardened sandbox containers started ahead of time, each used for one run.

A container is created, attached and started before anyone asks for it; its pid 1 (the
agent) waits for a run header on stdin, so a claim costs no container start. Each container
serves exactly one run and is then destroyed: no process, file, IPC object or daemon can
survive into another run, no container ever serves two playgrounds, and a container that
hit a limit is gone with the rest. The pool keeps `min_warm` containers of the default
shape ready and never has more than `max_containers` alive (warm, running, being created
or being removed). A run whose limits differ from the defaults gets a container made for
it. Docker calls are blocking, so they run on a small thread pool of the pool's own.
`container` makes and removes each container, `sweep` finds those of dead processes.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lionagi_playground.sandbox.cgroups import cgroup_of
from lionagi_playground.sandbox.docker.container import (
    DEATH_WAIT_S,
    PoolContainer,
    close_stream,
    create_container,
    remove_container,
)
from lionagi_playground.sandbox.docker.host_config import Shape
from lionagi_playground.sandbox.docker.sweep import stale_containers
from lionagi_playground.sandbox.errors import RunStartError
from lionagi_playground.sandbox.limits import DEFAULT_LIMITS

log = logging.getLogger(__name__)

T = TypeVar("T")


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
            await self._call(remove_container, self.client, container.id)
        except Exception:
            log.exception("could not remove sandbox container %s", container.id[:12])
        finally:
            container.close()
            self._removing -= 1
            self._notify()
            self._refill()

    async def _create(self, shape: Shape) -> PoolContainer:
        container_id, stream, pid = await self._call(
            create_container, self.client, self.image, shape, self.pool_id
        )
        try:
            pidfd = os.pidfd_open(pid)
        except OSError as error:
            await self._call(remove_container, self.client, container_id)
            close_stream(stream)
            raise RunStartError(f"the sandbox container exited at once: {error}") from error
        self.created += 1
        # Docker keeps one cgroup per container (per v1 controller) on this host.
        return PoolContainer(
            container_id, shape, stream._sock, pid, pidfd, cgroup_of(pid), stream=stream
        )

    def _sweep_once(self) -> None:
        """Remove containers left by pools of processes that no longer exist (a crash)."""
        if not self._swept:
            self._swept = True
            self._removing += 1
            self._spawn(self._sweep())

    async def _sweep(self) -> None:
        try:
            stale = await self._call(stale_containers, self.client)
            for container_id in stale:
                await self._call(remove_container, self.client, container_id)
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

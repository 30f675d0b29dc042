"""The Docker backend: each run in a fresh hardened container from the warm pool.

A run claims a started container (`pool`), sends its header through the attach
stream (`streams`) and is then supervised by the shared supervisor like any other:
the wall clock, the output cap, usage samples and the verdict are the same code as for
bubblewrap. What differs is behind three small objects: the root (the program's end comes
from the agent's report, not from wait4), the containment (killing the container's init
kills the run; usage comes from the container's cgroup, read on the host) and release
(the container is destroyed, never reused). docs/security.md lists what is promised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
from pathlib import Path, PurePosixPath
from typing import Any

from lionagi_playground.runtime_env import RuntimeEnv
from lionagi_playground.sandbox.backend import Execution
from lionagi_playground.sandbox.cgroups import RunCgroup
from lionagi_playground.sandbox.display import NONCE_ENV
from lionagi_playground.sandbox.docker.build import (
    RUNTIME_IN_IMAGE,
    ImageBuildError,
    image_exists,
    image_tag,
)
from lionagi_playground.sandbox.docker.container import PoolContainer
from lionagi_playground.sandbox.docker.daemon import default_url
from lionagi_playground.sandbox.docker.host_config import Shape
from lionagi_playground.sandbox.docker.pool import ContainerPool
from lionagi_playground.sandbox.docker.streams import AttachPump, EndReport, header_bytes
from lionagi_playground.sandbox.errors import BackendUnavailableError, RunStartError
from lionagi_playground.sandbox.request import RunRequest
from lionagi_playground.sandbox.root import Ended
from lionagi_playground.sandbox.runtimes import (
    BASE_ENV,
    BASH,
    WORKSPACE,
    Runtime,
    choose_runtime,
    javascript_runtime,
    python_runtime,
)
from lionagi_playground.sandbox.supervisor import Spawned, SupervisedRun
from lionagi_playground.sandbox.usage import own_resident_bytes

log = logging.getLogger(__name__)

COLLECT_S = 5.0
"""After a kill, how long the agent's report or the connection's end may take."""


def image_runtimes() -> dict[str, Runtime]:
    """The runtimes as the image provides them (paths inside the container)."""
    return {
        "python": python_runtime(RuntimeEnv(Path(str(RUNTIME_IN_IMAGE)))),
        "javascript": javascript_runtime("/usr/bin/node"),
        "bash": BASH,
    }


class DockerBackend:
    """Runs code in one-shot containers from a warm pool (see the module docstring)."""

    name = "docker"

    def __init__(
        self,
        runtime_root: Path | None = None,
        *,
        min_warm: int = 2,
        max_containers: int = 10,
        url: str | None = None,
    ) -> None:
        self.url = url or default_url()
        self._runtimes = image_runtimes()
        self._runs: set[SupervisedRun] = set()
        self._client: Any = None
        self._pool: ContainerPool | None = None
        self._reason = self._connect(runtime_root, min_warm, max_containers)

    def _connect(self, runtime_root: Path | None, min_warm: int, max_containers: int) -> str | None:
        try:
            import docker
            from docker.errors import DockerException
        except ImportError:
            return "the docker backend needs the `docker` Python package"
        try:
            self._client = docker.DockerClient(base_url=self.url, version="auto", timeout=60)
            self._client.ping()
        except (DockerException, OSError) as error:
            return (
                f"no Docker daemon answers at {self.url} ({error}): start one "
                "(`lionagi-playground image` starts it when run as root)"
            )
        try:
            self.image = image_tag(runtime_root)
        except ImageBuildError as error:
            return str(error)
        if not image_exists(self._client, self.image):
            return f"the sandbox image {self.image} is not built: run `lionagi-playground image`"
        self._pool = ContainerPool(
            self._client, self.image, min_warm=min_warm, max_containers=max_containers
        )
        return None

    # -- Backend protocol --------------------------------------------------------------------

    def unavailable_reason(self) -> str | None:
        return self._reason

    def languages(self) -> list[str]:
        return sorted(self._runtimes)

    @property
    def pool(self) -> ContainerPool:
        if self._pool is None:
            raise BackendUnavailableError(self._reason or "the docker backend is not set up")
        return self._pool

    async def prewarm(self) -> None:
        """Fill the pool now rather than at the first run."""
        await self.pool.fill()

    async def start(self, request: RunRequest) -> Execution:
        pool = self.pool
        runtime = choose_runtime(self._runtimes, request.language, request.entry_path)
        container = await pool.claim(Shape.of(request.limits))
        try:
            return self._begin(request, runtime, container)
        except Exception as error:
            pool.retire(container)
            raise RunStartError(f"could not start the run in its container: {error}") from error

    async def aclose(self) -> None:
        for run in list(self._runs):
            await run.cancel()
        for run in list(self._runs):
            await run.wait()
        if self._pool is not None:
            await self._pool.aclose()
        if self._client is not None:
            self._client.close()

    # -- one run ---------------------------------------------------------------------------

    def _begin(
        self, request: RunRequest, runtime: Runtime, container: PoolContainer
    ) -> SupervisedRun:
        nonce = secrets.token_hex(16)
        token = secrets.token_hex(16)
        env = dict(BASE_ENV)
        env.update(runtime.env)
        env.update(request.env)  # API keys and the runtime's switches (request.validate_env)
        env[NONCE_ENV] = nonce
        header: dict[str, object] = {
            "argv": runtime.argv(PurePosixPath(request.entry_path)),
            "env": env,
            "cwd": str(WORKSPACE),
            "files": dict(request.files),
            "token": token,
        }
        pump = AttachPump(container.sock, header_bytes(header), token)
        spawned = Spawned(container.pid, pump.stdin, pump.stdout, pump.stderr)
        containment = _Containment(
            container, pump, self.pool, ContainerUsage(container.cgroup, container.pid)
        )
        root = _ContainerRoot(container, pump, self.pool)
        run = DockerRun(
            container.id, spawned, containment, request.limits, nonce, request.stdin, root
        )
        self._runs.add(run)
        containment.on_release = lambda: self._runs.discard(run)
        pump.start()
        run.start()
        return run


class DockerRun(SupervisedRun):
    """A supervised run that knows which container it ran in (tests and logs ask)."""

    def __init__(self, container_id: str, *args: Any) -> None:
        super().__init__(*args)
        self.container_id = container_id


class ContainerUsage:
    """Usage from the container's cgroup, read on the host.

    Memory is the cgroup's working set (`working_set`: no page cache) less the agent's own
    pages: the agent is the container's pid 1 and in its cgroup from the start, holding about
    5 MiB (more while it parses a large workspace), which are not the program's. The cgroup
    disappears with the container, so every figure keeps the highest value read: the
    containment reads once more just before it kills.
    """

    def __init__(self, group: RunCgroup | None, agent_pid: int) -> None:
        self._group = group
        self._agent_pid = agent_pid
        self._cpu_ns = 0
        self._peak = 0
        self._oom = 0

    def refresh(self) -> None:
        self.cpu_ns()
        self.peak_memory_bytes()
        self.oom_kills()

    def memory_bytes(self) -> int:
        if self._group is None:
            return 0
        current = max(0, self._group.memory_bytes() - own_resident_bytes(self._agent_pid))
        self._peak = max(self._peak, current)
        return current

    def cpu_ns(self) -> int:
        if self._group is not None:
            self._cpu_ns = max(self._cpu_ns, self._group.cpu_ns())
        return self._cpu_ns

    def peak_memory_bytes(self) -> int:
        self.memory_bytes()
        return self._peak

    def oom_kills(self) -> int:
        if self._group is not None:
            self._oom = max(self._oom, self._group.oom_kills())
        return self._oom


class _ContainerRoot:
    """The program in the container: its end is the agent's report."""

    def __init__(self, container: PoolContainer, pump: AttachPump, pool: ContainerPool) -> None:
        self._container = container
        self._pump = pump
        self._pool = pool

    async def wait(self) -> Ended:
        report: EndReport | None = await asyncio.shield(self._pump.ended)
        if report is not None:
            return Ended(
                os.waitstatus_to_exitcode(report.status), report.cpu_ms, report.maxrss_kib * 1024
            )
        # No report: the agent itself died (killed, or out of memory); Docker has its code.
        return Ended(await self._pool.exit_code(self._container))

    def kill(self) -> None:
        self._container.kill()

    async def collect(self) -> Ended:
        try:
            return await asyncio.wait_for(self.wait(), COLLECT_S)
        except TimeoutError:
            return Ended(-signal.SIGKILL)


class _Containment:
    """The container around the run: killed as a whole, destroyed afterwards."""

    def __init__(
        self,
        container: PoolContainer,
        pump: AttachPump,
        pool: ContainerPool,
        probe: ContainerUsage,
    ) -> None:
        self.probe = probe
        self.on_release: Any = lambda: None
        self._container = container
        self._pump = pump
        self._pool = pool

    def kill(self) -> None:
        if self._container.alive():
            self.probe.refresh()  # the last figures: the cgroup goes with the container
        self._container.kill()

    def started(self) -> bool:
        return True

    async def release(self) -> None:
        try:
            self._container.kill()
            if not await self._container.dead():
                log.warning("sandbox container %s outlived its kill", self._container.id[:12])
            with contextlib.suppress(Exception):
                await self._pump.close()
        finally:
            self._pool.retire(self._container)
            self.on_release()

"""One sandbox container: creating and starting it, the handle a run holds, and removing it.

A `PoolContainer` is a started container whose agent (pid 1) waits for its run header on the
attach stream; the handle kills it through a pidfd on the agent and waits for its death.
The Docker calls here block: the pool runs them on its own threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import signal
import socket
from dataclasses import dataclass, field
from typing import Any

from lionagi_playground.sandbox.cgroups import RunCgroup
from lionagi_playground.sandbox.docker.build import AGENT_IN_IMAGE
from lionagi_playground.sandbox.docker.host_config import Shape, host_config
from lionagi_playground.sandbox.docker.sweep import OWNER_LABEL, POOL_LABEL, owner
from lionagi_playground.sandbox.errors import RunStartError

log = logging.getLogger(__name__)

SANDBOX_USER = "1000:1000"
DEATH_WAIT_S = 5.0
REMOVE_ATTEMPTS = 5


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
                close_stream(self.stream)
            with contextlib.suppress(OSError):
                self.sock.close()


def create_container(client: Any, image: str, shape: Shape, pool_id: str) -> tuple[str, Any, int]:
    """Create, attach and start one container (blocking): its id, attach stream and host pid."""
    api = client.api
    created = api.create_container(
        image,
        command=["/usr/bin/python3", "-I", "-S", str(AGENT_IN_IMAGE)],
        user=SANDBOX_USER,
        stdin_open=True,  # with attach, docker-py sets StdinOnce: our half-close is EOF
        tty=False,
        hostname="playground",
        working_dir="/workspace",
        environment={"PATH": "/usr/bin:/bin"},
        labels={POOL_LABEL: pool_id, OWNER_LABEL: owner()},
        host_config=api.create_host_config(**host_config(shape)),
    )
    container_id = str(created["Id"])
    try:
        stream = api.attach_socket(
            container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
        )
    except BaseException:
        remove_container(client, container_id)
        raise
    try:
        stream._sock.settimeout(None)  # a run may print nothing for minutes
        api.start(container_id)
        pid = int(api.inspect_container(container_id)["State"]["Pid"])
        if pid <= 0:
            raise RunStartError("the sandbox container stopped as soon as it started")
    except BaseException:
        remove_container(client, container_id)
        close_stream(stream)
        raise
    return container_id, stream, pid


def close_stream(stream: Any) -> None:
    sock = stream._sock  # closing the file object forgets it
    with contextlib.suppress(OSError):
        stream.close()
        sock.close()


def remove_container(client: Any, container_id: str) -> None:
    """Force-remove the container (blocking); gone already is fine."""
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


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)

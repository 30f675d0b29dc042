"""Sandbox test fixtures: the backends under test, created once per session.

The docker backend needs a daemon and its image: `docker_ready` starts `dockerd` when none
runs (and stops it at the end) and builds the image when it is missing. Neither is ever
skipped: a machine where dockerd cannot start fails with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from lionagi_playground.sandbox import Backend
from lionagi_playground.sandbox.bubblewrap.backend import BubblewrapBackend
from lionagi_playground.sandbox.docker.backend import DockerBackend
from lionagi_playground.sandbox.docker.daemon import Daemon, ensure_daemon, stop_daemon

BACKENDS_UNDER_TEST = ["bubblewrap", "docker"]
"""Every backend the escape suite runs against."""

log = logging.getLogger(__name__)


TEST_UID_BASE = 65000
"""The run uids of the backends made here: apart from every server's default range
(64100-64355), so a playground served on this machine while the suite runs (or a server a
test started) never shows up in the clean-host checks, which look for any process of these
uids."""


def make(name: str) -> Backend:
    if name == "bubblewrap":
        return BubblewrapBackend(uid_base=TEST_UID_BASE)
    if name == "docker":
        return DockerBackend()
    raise AssertionError(f"no such backend {name}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Docker tests may have to start the daemon and build the image first (minutes on a
    fresh machine, once): their time limit covers the test itself, not that set-up."""
    for item in items:
        params = getattr(item, "callspec", None)
        uses_docker = "docker_ready" in getattr(item, "fixturenames", ()) or (
            params is not None and params.params.get("backend") == "docker"
        )
        if uses_docker and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(120, func_only=True))


@pytest.fixture(scope="session")
def docker_ready() -> Iterator[Daemon]:
    """A Docker daemon (started here when none answers) with the sandbox image built."""
    import docker

    from lionagi_playground.sandbox.docker.build import build_image

    daemon = ensure_daemon()  # DockerDaemonError says why, and fails every docker test
    client = docker.DockerClient(base_url=daemon.url, version="auto", timeout=600)
    try:
        build_image(client, progress=log.info)  # a no-op when the tag exists
    finally:
        client.close()
    yield daemon
    stop_daemon(daemon)  # only a daemon started here


@pytest.fixture(scope="session")
async def docker_backend(docker_ready: Daemon) -> AsyncIterator[DockerBackend]:
    backend = DockerBackend()
    reason = backend.unavailable_reason()
    if reason is not None:
        pytest.fail(f"the docker backend must work on this machine: {reason}")
    await backend.prewarm()
    yield backend
    await backend.aclose()


@pytest.fixture(scope="session")
async def bubblewrap() -> AsyncIterator[Backend]:
    backend = make("bubblewrap")
    reason = backend.unavailable_reason()
    if reason is not None:
        pytest.fail(f"the bubblewrap backend must work on this machine: {reason}")
    yield backend
    await backend.aclose()


@pytest.fixture(scope="session", params=BACKENDS_UNDER_TEST)
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend under test: the session's one instance of it."""
    name = "docker_backend" if request.param == "docker" else str(request.param)
    chosen: Backend = request.getfixturevalue(name)
    return chosen

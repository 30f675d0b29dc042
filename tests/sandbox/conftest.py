"""Sandbox test fixtures: the backends under test, created once per session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lionagi_playground.sandbox import Backend
from lionagi_playground.sandbox.bubblewrap import BubblewrapBackend

BACKENDS_UNDER_TEST = ["bubblewrap"]
"""Every backend the escape suite runs against; the docker backend joins with one entry."""


def make(name: str) -> Backend:
    if name == "bubblewrap":
        return BubblewrapBackend()
    raise AssertionError(f"no such backend {name}")


@pytest.fixture(scope="session")
async def bubblewrap() -> AsyncIterator[Backend]:
    backend = make("bubblewrap")
    reason = backend.unavailable_reason()
    if reason is not None:
        pytest.fail(f"the bubblewrap backend must work on this machine: {reason}")
    yield backend
    await backend.aclose()


@pytest.fixture(scope="session", params=BACKENDS_UNDER_TEST)
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    chosen = make(str(request.param))
    reason = chosen.unavailable_reason()
    if reason is not None:
        pytest.fail(f"backend {request.param} must work on this machine: {reason}")
    yield chosen
    await chosen.aclose()

"""Fixtures for the lesson tests: the real bubblewrap sandbox, as every run of the playground."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lionagi_playground.sandbox.bubblewrap.backend import BubblewrapBackend


@pytest.fixture(scope="session")
async def sandbox() -> AsyncIterator[BubblewrapBackend]:
    backend = BubblewrapBackend()
    reason = backend.unavailable_reason()
    if reason is not None:
        pytest.fail(f"the lessons run in the bubblewrap sandbox, which must work here: {reason}")
    yield backend
    await backend.aclose()

"""Choosing a backend by name: bubblewrap (the default, no daemon) or docker (a warm pool)."""

from __future__ import annotations

from pathlib import Path

from lionagi_playground.sandbox.backend import Backend
from lionagi_playground.sandbox.errors import BackendUnavailableError

BACKENDS = ("bubblewrap", "docker")
DEFAULT_BACKEND = "bubblewrap"


def make_backend(name: str = DEFAULT_BACKEND, runtime_root: Path | None = None) -> Backend:
    """The backend called `name`; `BackendUnavailableError` if it cannot run here."""
    if name == "bubblewrap":
        from lionagi_playground.sandbox.bubblewrap import BubblewrapBackend

        backend: Backend = BubblewrapBackend(runtime_root)
    elif name == "docker":
        from lionagi_playground.sandbox.docker_backend import DockerBackend

        backend = DockerBackend(runtime_root)
    else:
        raise BackendUnavailableError(f"unknown backend {name!r}; known: {', '.join(BACKENDS)}")
    reason = backend.unavailable_reason()
    if reason is not None:
        raise BackendUnavailableError(reason)
    return backend


def default_backend(runtime_root: Path | None = None) -> Backend:
    return make_backend(DEFAULT_BACKEND, runtime_root)

"""Choosing a backend by name: bubblewrap (the default, no daemon) or docker (a warm pool)."""

from __future__ import annotations

from pathlib import Path

from lionagi_playground.sandbox.backend import Backend
from lionagi_playground.sandbox.errors import BackendUnavailableError

BACKENDS = ("bubblewrap", "docker")
DEFAULT_BACKEND = "bubblewrap"


def make_backend(
    name: str = DEFAULT_BACKEND, runtime_root: Path | None = None, *, one_shot: bool = False
) -> Backend:
    """The backend called `name`; `BackendUnavailableError` if it cannot run here.

    `one_shot`: the caller runs one program and exits (the CLI), so docker keeps no warm pool
    (containers started ahead for runs that never come would only be removed again).
    """
    if name == "bubblewrap":
        from lionagi_playground.sandbox.bubblewrap.backend import BubblewrapBackend

        backend: Backend = BubblewrapBackend(runtime_root)
    elif name == "docker":
        from lionagi_playground.sandbox.docker.backend import DockerBackend

        backend = DockerBackend(runtime_root, min_warm=0 if one_shot else 2)
    else:
        raise BackendUnavailableError(f"unknown backend {name!r}; known: {', '.join(BACKENDS)}")
    reason = backend.unavailable_reason()
    if reason is not None:
        raise BackendUnavailableError(reason)
    return backend


def default_backend(runtime_root: Path | None = None) -> Backend:
    return make_backend(DEFAULT_BACKEND, runtime_root)

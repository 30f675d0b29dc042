"""jedi, pointed at the runtime environment, on one thread shared by every session.

jedi keeps global caches (parsed modules, inferred values) that are not safe
to share between threads, and that are the expensive state worth sharing
between sessions. So all jedi work in the process runs on one thread; the
event loop only awaits it, and a request cancelled before its turn never runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import jedi

from lionagi_playground.runtime_env import RuntimeEnv

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_SCRIPTS = 8
"""Scripts kept for reuse, across all sessions (one per path, each with its caches)."""


class JediEngine:
    def __init__(self, runtime_env: RuntimeEnv | None) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jedi")
        self._runtime_env = runtime_env
        self._environment: Any = None
        self._projects: dict[str, Any] = {}
        self._scripts: OrderedDict[str, tuple[tuple[str | None, str], Any]] = OrderedDict()
        """path -> ((root, text), Script): the newest Script of each path."""
        # The first jedi call of a process pays for starting the runtime's
        # interpreter and loading the builtins stubs (over a second here).
        # Start paying now, on the jedi thread, while the client initializes.
        self._thread.submit(self._warm_up)

    def _warm_up(self) -> None:
        if self._runtime_env is not None:
            try:
                self._environment = jedi.create_environment(str(self._runtime_env.root), safe=False)
            except Exception:
                log.exception(
                    "cannot use %s with jedi; completing against the server's Python",
                    self._runtime_env.root,
                )
        try:
            script = jedi.Script("import os\nos.pa\n''.s", environment=self._environment)
            for completion in [*script.complete(2, 5), *script.complete(3, 3)]:
                completion.type  # noqa: B018 - infers each name once, filling jedi's caches
        except Exception:
            log.exception("jedi warm-up failed (the first completion will be slower)")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the jedi thread; cancelling the await skips work not started."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, fn, *args)

    def script(self, text: str, path: str | None, root: str | None) -> Any:
        """A jedi Script over `text` (call on the jedi thread only).

        A Script carries jedi's inference caches, which are lost with it; the
        requests that follow each other on one version of a document (a
        completion, its resolve, a hover, signature help) share one Script.

        Only the newest Script of a path is kept: parso's diff parser updates the
        tree of the previous parse of that path in place, so an older Script of it
        answers from a tree that is no longer its text (a document edited and then
        reverted was completed from the edited tree).
        """
        key = path or ""
        cached = self._scripts.get(key)
        if cached is not None and cached[0] == (root, text):
            self._scripts.move_to_end(key)
            return cached[1]
        script = jedi.Script(
            text,
            path=Path(path) if path else None,
            environment=self._environment,
            project=self._project(root),
        )
        self._scripts[key] = ((root, text), script)
        self._scripts.move_to_end(key)
        while len(self._scripts) > MAX_SCRIPTS:
            self._scripts.popitem(last=False)
        return script

    def _project(self, root: str | None) -> Any:
        key = root or ""
        project = self._projects.get(key)
        if project is None:
            project = jedi.Project(
                root or Path.cwd(),
                environment_path=getattr(self._environment, "path", None),
                smart_sys_path=bool(root),
            )
            self._projects[key] = project
        return project

    def prepare(self, text: str, path: str | None, root: str | None) -> None:
        """Parse a document that was just opened, so its first request finds it parsed."""

        def parse() -> None:
            try:
                self.script(text, path, root)
            except Exception:
                log.exception("jedi could not parse %s", path)

        self._thread.submit(parse)

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)

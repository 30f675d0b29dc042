"""jedi, pointed at the runtime environment, on one thread shared by every session.

jedi keeps global caches (parsed modules, inferred values) that are not safe
to share between threads, and that are the expensive state worth sharing
between sessions. So all jedi work in the process runs on one thread; the
event loop only awaits it, and a request cancelled before its turn never runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import jedi

from lionagi_playground.runtime_env import RuntimeEnv

log = logging.getLogger(__name__)

T = TypeVar("T")


class JediEngine:
    def __init__(self, runtime_env: RuntimeEnv | None) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jedi")
        self._environment: Any = None
        if runtime_env is not None:
            try:
                self._environment = jedi.create_environment(str(runtime_env.root), safe=False)
            except Exception:
                log.exception(
                    "cannot use %s with jedi; completing against the server's Python",
                    runtime_env.root,
                )
        self._projects: dict[str, Any] = {}

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the jedi thread; cancelling the await skips work not started."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, fn, *args)

    def script(self, text: str, path: str | None, root: str | None) -> Any:
        """A jedi Script over `text` (call on the jedi thread only)."""
        return jedi.Script(
            text,
            path=Path(path) if path else None,
            environment=self._environment,
            project=self._project(root),
        )

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

    def warm_up(self) -> None:
        """Parse lionagi's public API once so the first real completion is not the cold one."""
        script = self.script("import lionagi\nlionagi.Branch().", None, None)
        for completion in script.complete(2, len("lionagi.Branch().")):
            completion.type  # noqa: B018 - infers each name once, filling jedi's caches

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)

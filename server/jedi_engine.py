"""jedi, pointed at the runtime environment, on one thread shared by every session.

jedi keeps global caches (parsed modules, inferred values) that are not safe
to share between threads, and that are the expensive state worth sharing
between sessions. So all jedi work in the process runs on one thread; the
event loop only awaits it, and a request cancelled before its turn never runs.

Every keystroke makes a new version, and a new jedi Script; by default each Script starts
a new InferenceState, which re-imports and re-infers everything the document imports (a
third of a completion's time on the benchmark). `SharedInference` keeps one per project
across versions, for as long as that cannot change an answer (see its docstring).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import jedi
import jedi.api

from lionagi_playground.runtime_env import RuntimeEnv
from lionagi_playground.server import parso_speedups

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_SCRIPTS = 8
"""Scripts kept for reuse, across all sessions (one per path, each with its caches)."""

MAX_MEMO_ENTRIES = 200_000
"""A shared InferenceState is dropped once its caches hold this many entries (each version
adds entries for its own tree that later versions never hit)."""

CLOCK_MARGIN_S = 1.0
"""A file's mtime comes from a coarse clock: a module modified up to this long before a state
was made counts as modified after it."""

parso_speedups.install()


class SharedInference:
    """One jedi InferenceState kept across the Scripts of a project's successive versions.

    What an InferenceState caches is keyed by the values it inferred: the modules a document
    imports (the expensive part: the standard library, lionagi, their stubs) stay valid from
    one version to the next, and the document's own new tree gets new keys. It is dropped,
    and the next Script starts a fresh one, whenever it could answer differently from a
    fresh one:

    - a Script of another path: a document's unsaved text must not be what an import of it
      finds from a second document (a fresh state reads that file from disk);
    - a module of the project folder loaded (other than the document itself): it may import
      the document, and would keep inferring from the previous version;
    - a module file changed on disk since the state was made (parso's own test: modified
      after it was read);
    - its caches grew past MAX_MEMO_ENTRIES (memory).

    Call only on the jedi thread.
    """

    def __init__(self) -> None:
        self._states: dict[int, tuple[Any, float, str | None]] = {}
        """id(project) -> (InferenceState, created at, path of its last Script)."""
        self.made = 0
        """InferenceStates created (tests and the benchmark's notes read it)."""

    def script(self, text: str, path: Path | None, environment: Any, project: Any) -> Any:
        state = self._state_for(project, environment, str(path) if path else None)
        original = jedi.api.InferenceState
        jedi.api.InferenceState = lambda *args, **kwargs: state  # jedi.Script's only use
        try:
            return jedi.Script(text, path=path, environment=environment, project=project)
        finally:
            jedi.api.InferenceState = original

    def _state_for(self, project: Any, environment: Any, path: str | None) -> Any:
        kept = self._states.get(id(project))
        if kept is not None:
            state, created, last_path = kept
            if path is not None and last_path == path and self._still_valid(state, created, path):
                state.reset_recursion_limitations()
                return state
        state = jedi.api.InferenceState(project, environment=environment)
        self.made += 1
        self._states[id(project)] = (state, time.time(), path)
        return state

    @staticmethod
    def _still_valid(state: Any, created: float, path: str) -> bool:
        if sum(len(memo) for memo in state.memoize_cache.values()) > MAX_MEMO_ENTRIES:
            return False
        folder = str(state.project.path) + os.sep
        prefix = getattr(state.environment, "path", None)
        environment = str(prefix) + os.sep if prefix else None
        for values in state.module_cache._name_cache.values():
            for module in values:
                file_io = getattr(module, "file_io", None)
                module_path = str(getattr(file_io, "path", "") or "")
                if not module_path or module_path == path:
                    continue
                in_environment = environment is not None and module_path.startswith(environment)
                if module_path.startswith(folder) and not in_environment:
                    return False
                try:
                    if os.stat(module_path).st_mtime > created - CLOCK_MARGIN_S:
                        return False
                except OSError:
                    return False
        return True


class JediEngine:
    def __init__(self, runtime_env: RuntimeEnv | None) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jedi")
        self._runtime_env = runtime_env
        self._environment: Any = None
        self._projects: dict[str, Any] = {}
        self._scripts: OrderedDict[str, tuple[tuple[str | None, str], Any]] = OrderedDict()
        """path -> ((root, text), Script): the newest Script of each path."""
        self.shared = SharedInference()
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
        script = self.shared.script(
            text, Path(path) if path else None, self._environment, self._project(root)
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

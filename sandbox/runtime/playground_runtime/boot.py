"""Interpreter start in the runtime environment: arm what this run asked for, lazily.

`playground_runtime.pth` imports this module in every interpreter of the runtime
environment, so it must stay cheap: it reads two environment variables and at most puts a
finder on `sys.meta_path`. It imports nothing of lionagi or matplotlib; the finder runs a
hook on a module right before or right after that module executes, whenever the program
imports it.

- `PLAYGROUND_LIONAGI_OFFLINE=1`: lionagi talks to the offline model (`lionagi_patch`
  patches lionagi's modules after they execute), and `LOG_AUTO_SAVE_ON_EXIT=false` keeps
  lionagi from writing `./data/logs/log_*.json` at exit. Any other value (the sandbox sets
  `0` when the user supplied a key and the server allows network) changes nothing.
- `PLAYGROUND_DISPLAY_NONCE` set (the sandbox runs the program): lionagi's message flow,
  model calls, tool calls and operations are traced (`trace`), online or offline, as
  frames on the display channel.
- `PLAYGROUND_LIONAGI_RECORD=1` with lionagi online: each model call is also written as a
  recording frame (`recording`), so the run can be replayed offline.
- `MPLBACKEND=module://playground_runtime.mpl_backend`: before matplotlib's font manager
  loads, the font list built at set-up time is copied into matplotlib's cache directory
  (`mpl_cache`), so a plot does not pay for a font scan on every run.
"""

import os
import sys

# This module runs at every interpreter start, so it imports nothing it can avoid: not
# `typing` (for TYPE_CHECKING) and not `__future__` (its annotations are quoted instead),
# each of which would cost more than all the rest.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any

OFFLINE_ENV = "PLAYGROUND_LIONAGI_OFFLINE"
RECORD_ENV = "PLAYGROUND_LIONAGI_RECORD"
NONCE_ENV = "PLAYGROUND_DISPLAY_NONCE"
MPL_BACKEND = "module://playground_runtime.mpl_backend"

# Module -> the hook run after it executes, as "module:function" so that nothing is imported
# before it is needed. Kept in step with lionagi_patch.PATCHES (a test checks).
LIONAGI_HOOKS = dict.fromkeys(
    (
        "lionagi.service.connections.endpoint",
        "lionagi.service.token_calculator",
        "lionagi.service.connections.api_calling",
        "lionagi.providers.anthropic.claude_code",
        "lionagi.providers.openai.codex",
        "lionagi.providers.google.gemini_code",
        "lionagi.providers.pi.cli",
    ),
    "playground_runtime.lionagi_patch:patch_module",
)
# Module -> the trace's hook, run after it executes. Kept in step with trace.PATCHES.
TRACE_HOOKS = dict.fromkeys(
    (
        "lionagi.session.branch",
        "lionagi.service.imodel",
        "lionagi.service.connections.api_calling",
        "lionagi.protocols.action.function_calling",
        "lionagi.operations.chat.chat",
        "lionagi.operations.communicate.communicate",
        "lionagi.operations.operate.operate",
        "lionagi.operations.parse.parse",
        "lionagi.operations.ReAct.ReAct",
        "lionagi.operations.act.act",
        "lionagi.operations.interpret.interpret",
        "lionagi.operations.run.run",
        "lionagi.operations.flow",
    ),
    "playground_runtime.trace:patch_module",
)
# Online, recording: the endpoint's real HTTP calls are also written as recording frames.
RECORD_HOOKS = {"lionagi.service.connections.endpoint": "playground_runtime.recording:patch_module"}
# Module -> the hook run before it executes.
MATPLOTLIB_HOOKS = {"matplotlib.font_manager": "playground_runtime.mpl_cache:seed_font_cache"}


def _call(hook: str, name: str, module: "ModuleType") -> None:
    module_name, _, function = hook.partition(":")
    __import__(module_name)
    getattr(sys.modules[module_name], function)(name, module)


class _HookedLoader:
    """Runs the real loader, with the module's hooks before and after it executes."""

    def __init__(self, loader: "Any", name: str, before: "list[str]", after: "list[str]") -> None:
        self._loader = loader
        self._name = name
        self._before = before
        self._after = after

    def create_module(self, spec: "ModuleSpec") -> "ModuleType | None":
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: "ModuleType") -> None:
        for hook in self._before:
            _call(hook, self._name, module)
        self._loader.exec_module(module)
        for hook in self._after:
            _call(hook, self._name, module)

    def __getattr__(self, name: str) -> "Any":
        # get_source (tracebacks), is_package, resource readers: the real loader's.
        return getattr(self._loader, name)


class HookFinder:
    """A meta path finder that finds nothing itself: it wraps the loaders of hooked modules."""

    def __init__(self) -> None:
        # Module -> its hooks, in the order they were armed.
        self.before: dict[str, list[str]] = {}
        self.after: dict[str, list[str]] = {}

    def add(self, hooks: "dict[str, list[str]]", more: "dict[str, str]") -> None:
        for name, hook in more.items():
            armed = hooks.setdefault(name, [])
            if hook not in armed:
                armed.append(hook)

    def find_spec(
        self, fullname: str, path: "Sequence[str] | None", target: "ModuleType | None" = None
    ) -> "ModuleSpec | None":
        if fullname not in self.before and fullname not in self.after:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec: ModuleSpec | None = find(fullname, path, target)
            if spec is None:
                continue
            if spec.loader is not None:
                hooked = _HookedLoader(
                    spec.loader,
                    fullname,
                    self.before.get(fullname, []),
                    self.after.get(fullname, []),
                )
                spec.loader = hooked  # type: ignore[assignment]
            return spec
        return None


def hook_finder() -> HookFinder:
    """This interpreter's finder, put first on `sys.meta_path` at the first call."""
    for finder in sys.meta_path:
        if isinstance(finder, HookFinder):
            return finder
    finder = HookFinder()
    sys.meta_path.insert(0, finder)
    return finder


def _install_after(hooks: "dict[str, str]") -> None:
    """Arm `hooks` to run after their modules execute; those already loaded are hooked now."""
    finder = hook_finder()
    fresh = {name: hook for name, hook in hooks.items() if hook not in finder.after.get(name, [])}
    finder.add(finder.after, fresh)
    for name, hook in fresh.items():
        if name in sys.modules:
            _call(hook, name, sys.modules[name])


def install_offline_lionagi() -> None:
    """Arm offline lionagi in this interpreter (idempotent; patches what is already loaded)."""
    os.environ["LOG_AUTO_SAVE_ON_EXIT"] = "false"
    _install_after(LIONAGI_HOOKS)


def install_trace() -> None:
    """Arm the agent trace in this interpreter (idempotent)."""
    _install_after(TRACE_HOOKS)


def install_recording() -> None:
    """Arm the recording of online model calls in this interpreter (idempotent)."""
    _install_after(RECORD_HOOKS)


def install_matplotlib_cache() -> None:
    finder = hook_finder()
    finder.add(finder.before, MATPLOTLIB_HOOKS)


if os.environ.get(NONCE_ENV):
    # The trace's clock: milliseconds since the interpreter started (this runs at its start).
    import time

    STARTED = time.perf_counter()
    install_trace()
if os.environ.get(OFFLINE_ENV) == "1":
    install_offline_lionagi()
elif os.environ.get(RECORD_ENV) == "1":
    install_recording()
if os.environ.get("MPLBACKEND") == MPL_BACKEND:
    install_matplotlib_cache()

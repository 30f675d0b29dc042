"""Runtimes as data: how each language is started inside a sandbox (command, extension, env).

Every run, whatever its language and backend, starts in `WORKSPACE` with `BASE_ENV`.

A runtime is a command template, not code: `{entry}` is replaced by the entry file's path
relative to the workspace, `{python}` by the runtime environment's interpreter. Backends read
`mounts` to know which host trees the command needs (read-only).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lionagi_playground.runtime_env import RuntimeEnv, find_runtime_env
from lionagi_playground.sandbox.errors import UnknownRuntimeError

WORKSPACE = PurePosixPath("/workspace")
"""The run's working folder, where its files are, whatever the backend."""

BASE_ENV = (
    ("PATH", "/usr/local/bin:/usr/bin:/bin"),
    ("HOME", str(WORKSPACE)),
    ("USER", "sandbox"),
    ("LOGNAME", "sandbox"),
    ("LANG", "C.UTF-8"),
    ("LC_ALL", "C.UTF-8"),
    ("TMPDIR", "/tmp"),
    ("TERM", "dumb"),
    # Tells a program it runs in the playground (lionagi 0.36 itself does not read it): code
    # can choose the offline model's canned data here and a real provider elsewhere.
    ("LIONAGI_ENV", "playground"),
)
"""The environment every run starts with, whatever the backend; the runtime's own adds to it."""


@dataclass(frozen=True)
class Runtime:
    """One language: how to start it and what it needs."""

    name: str
    extensions: tuple[str, ...]
    command: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    mounts: tuple[Path, ...] = ()
    address_space_limit: bool = True
    """Whether RLIMIT_AS may stand in for a memory cgroup (V8 reserves gigabytes up front)."""
    aliases: tuple[str, ...] = field(default=())

    def argv(self, entry: PurePosixPath) -> list[str]:
        return [part.replace("{entry}", str(entry)) for part in self.command]


PYTHON_ENV = (
    ("PYTHONUNBUFFERED", "1"),  # output must stream live, not in 8 KiB blocks
    ("PYTHONDONTWRITEBYTECODE", "1"),
    ("PYTHONIOENCODING", "utf-8"),
    ("MPLBACKEND", "module://playground_runtime.mpl_backend"),
    ("MPLCONFIGDIR", "/tmp/matplotlib"),
    ("PLAYGROUND_LIONAGI_OFFLINE", "1"),
)


def python_runtime(env: RuntimeEnv | None) -> Runtime:
    """Python with the runtime environment's interpreter (system Python + lionagi).

    Without a runtime environment (not set up yet) the system's python3 still runs plain code.
    """
    python = str(env.python) if env is not None else "/usr/bin/python3"
    return Runtime(
        name="python",
        aliases=("py", "python3"),
        extensions=(".py",),
        command=(python, "-u", "{entry}"),
        env=PYTHON_ENV,
        mounts=(env.root,) if env is not None else (),
    )


def javascript_runtime(node: str) -> Runtime:
    """JavaScript with the machine's own `node`."""
    return Runtime(
        name="javascript",
        aliases=("js", "node"),
        extensions=(".js", ".mjs", ".cjs"),
        command=(node, "{entry}"),
        env=(("NODE_OPTIONS", "--max-old-space-size=384"),),
        address_space_limit=False,
    )


BASH = Runtime(
    name="bash",
    aliases=("sh", "shell"),
    extensions=(".sh", ".bash"),
    command=("/bin/bash", "{entry}"),
)


def available_runtimes(runtime_root: Path | None = None) -> dict[str, Runtime]:
    """The runtimes this machine can provide, by name."""
    found: dict[str, Runtime] = {}
    try:
        env = find_runtime_env(runtime_root)
    except OSError:  # e.g. an ordinary user pointed at root's environment
        env = None
    if env is not None or Path("/usr/bin/python3").exists():
        found["python"] = python_runtime(env)
    node = shutil.which("node")
    if node is not None:
        found["javascript"] = javascript_runtime(str(Path(node).resolve()))
    if Path("/bin/bash").exists():
        found["bash"] = BASH
    return found


def choose_runtime(
    runtimes: dict[str, Runtime], language: str | None, entry: PurePosixPath
) -> Runtime:
    """The runtime named by `language`, else the one whose extension the entry has."""
    if language:
        wanted = language.lower()
        for runtime in runtimes.values():
            if wanted == runtime.name or wanted in runtime.aliases:
                return runtime
        raise UnknownRuntimeError(
            f"no runtime for language {language!r} here; available: {', '.join(sorted(runtimes))}"
        )
    for runtime in runtimes.values():
        if entry.suffix in runtime.extensions:
            return runtime
    raise UnknownRuntimeError(
        f"cannot tell the language of {str(entry)!r}; name one of: {', '.join(sorted(runtimes))}"
    )

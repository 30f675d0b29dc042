"""The runtime environment user code runs with: a venv of the system Python holding lionagi.

`lionagi-playground setup` builds it; code intelligence reads it (jedi is
pointed at it, the lionagi rules introspect the lionagi it holds) and the
sandbox mounts it read-only. It is built from the system's Python (Debian's
`python3`), never from the server's own interpreter, so a sandbox needs only
the read-only system tree and this folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LIONAGI_SPEC = "lionagi==0.36.0"
"""What `setup` installs. Bump deliberately: the lionagi rules follow what is installed."""

MARKER = "playground-env.json"
ENV_VAR = "LIONAGI_PLAYGROUND_RUNTIME"


class RuntimeEnvError(Exception):
    """The runtime environment could not be built or read."""


def default_runtime_dir() -> Path:
    """`$LIONAGI_PLAYGROUND_RUNTIME`, else `$XDG_DATA_HOME/lionagi-playground/runtime`."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser().resolve()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "lionagi-playground" / "runtime"


def system_python() -> str:
    """The system's Python 3 (Debian's), falling back to the interpreter we run on."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.access(candidate, os.X_OK):
            return candidate
    return sys.executable


@dataclass(frozen=True)
class RuntimeEnv:
    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def marker(self) -> Path:
        return self.root / MARKER

    def exists(self) -> bool:
        return self.python.exists() and self.marker.exists()

    def info(self) -> dict[str, str]:
        """What `setup` recorded: the lionagi spec and version, the base Python."""
        try:
            data = json.loads(self.marker.read_text())
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def find_runtime_env(root: Path | None = None) -> RuntimeEnv | None:
    """The built runtime environment at `root` (or the default place), if there is one."""
    env = RuntimeEnv(root or default_runtime_dir())
    return env if env.exists() else None


Progress = Callable[[str], None]


def build_runtime_env(
    root: Path | None = None,
    *,
    lionagi_spec: str = LIONAGI_SPEC,
    base_python: str | None = None,
    progress: Progress = print,
) -> RuntimeEnv:
    """Create or update the runtime environment; a no-op when it is already as asked."""
    env = RuntimeEnv(root or default_runtime_dir())
    base = base_python or system_python()
    wanted = {"lionagi_spec": lionagi_spec, "base_python": base}
    info = env.info()
    if env.exists() and all(info.get(k) == v for k, v in wanted.items()):
        progress(f"[setup] runtime environment up to date at {env.root} (lionagi {info['lionagi']})")
        return env

    steps = 3
    if not env.python.exists():
        progress(f"[setup 1/{steps}] creating a venv of {base} at {env.root}")
        env.root.parent.mkdir(parents=True, exist_ok=True)
        _run([base, "-m", "venv", str(env.root)], progress)
    else:
        progress(f"[setup 1/{steps}] venv exists at {env.root}")
    progress(f"[setup 2/{steps}] installing {lionagi_spec} (pip shows its progress)")
    _run(
        [str(env.python), "-m", "pip", "install", "--disable-pip-version-check", lionagi_spec],
        progress,
    )
    version = subprocess.run(
        [str(env.python), "-c", "from importlib.metadata import version; print(version('lionagi'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    progress(f"[setup 3/{steps}] recording lionagi {version}")
    env.marker.write_text(json.dumps({**wanted, "lionagi": version}, indent=2) + "\n")
    progress(f"[setup] runtime environment ready at {env.root}")
    return env


def _run(command: list[str], progress: Progress) -> None:
    """Run a set-up step, streaming its output through `progress`."""
    if shutil.which(command[0]) is None and not Path(command[0]).exists():
        raise RuntimeEnvError(f"{command[0]} not found")
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            progress("    " + line.rstrip())
    if process.returncode != 0:
        raise RuntimeEnvError(f"{' '.join(command)} failed with exit code {process.returncode}")

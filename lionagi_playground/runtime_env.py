"""The runtime environment user code runs with: a venv of the system Python holding lionagi.

`lionagi-playground setup` builds it; code intelligence reads it (jedi is
pointed at it, the lionagi rules introspect the lionagi it holds) and the
sandbox mounts it read-only. It is built from the system's Python (Debian's
`python3`), never from the server's own interpreter, so a sandbox needs only
the read-only system tree and this folder.

Besides lionagi it holds the data-science stack the lessons teach with
(`RUNTIME_PACKAGES`: numpy, matplotlib, pandas, seaborn, scikit-learn) and the
playground's runtime package (`sandbox/runtime`: the offline lionagi model and
the matplotlib display backend), installed from the source shipped inside this
package. The marker records what was installed,
with a hash of the runtime package's source, so `setup` is a no-op when
nothing changed and re-installs the runtime package when its source did.
"""

from __future__ import annotations

import hashlib
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

RUNTIME_PACKAGES = (
    "matplotlib==3.11.2",
    "numpy==2.4.6",
    "pandas==3.1.1",
    "seaborn==0.13.2",
    "scikit-learn==1.9.1",
)
"""Installed beside lionagi unless `$LIONAGI_PLAYGROUND_RUNTIME_PACKAGES` says otherwise
(pip requirement specifiers separated by spaces; empty for none). Exact pins: the lessons'
checks compare printed tables and scores, which a new pandas or scikit-learn may change.
They add about 470 MB (scipy, which scikit-learn needs, 143 MB; pandas 84 MB) to the 110 MB
of lionagi and its dependencies."""

MARKER = "playground-env.json"
ENV_VAR = "LIONAGI_PLAYGROUND_RUNTIME"
PACKAGES_ENV_VAR = "LIONAGI_PLAYGROUND_RUNTIME_PACKAGES"
FONT_CACHE_DIR = Path("share") / "playground-runtime" / "matplotlib"
"""Inside the runtime environment: matplotlib's font list, built once (see mpl_cache.py)."""


class RuntimeEnvError(Exception):
    """The runtime environment could not be built or read."""


def default_runtime_dir() -> Path:
    """`$LIONAGI_PLAYGROUND_RUNTIME`, else `$XDG_DATA_HOME/lionagi-playground/runtime`."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser().resolve()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "lionagi-playground" / "runtime"


def runtime_package_source() -> Path:
    """The runtime package's source: `sandbox/runtime`, shipped as package data of the sandbox."""
    return Path(__file__).resolve().parent / "sandbox" / "runtime"


def runtime_package_hash(source: Path | None = None) -> str:
    """A hash of the runtime package's source files (names and contents)."""
    root = source or runtime_package_source()
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    if not files:
        raise RuntimeEnvError(f"the runtime package's source is missing at {root}")
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def runtime_packages() -> tuple[str, ...]:
    """What goes in beside lionagi: `$LIONAGI_PLAYGROUND_RUNTIME_PACKAGES` or RUNTIME_PACKAGES."""
    explicit = os.environ.get(PACKAGES_ENV_VAR)
    return RUNTIME_PACKAGES if explicit is None else tuple(explicit.split())


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
    packages: tuple[str, ...] | None = None,
    base_python: str | None = None,
    progress: Progress = print,
) -> RuntimeEnv:
    """Create or update the runtime environment; a no-op when it is already as asked."""
    env = RuntimeEnv(root or default_runtime_dir())
    base = base_python or system_python()
    extras = runtime_packages() if packages is None else packages
    source = runtime_package_source()
    wanted = {
        "lionagi_spec": lionagi_spec,
        "base_python": base,
        "packages": " ".join(extras),
        "runtime_package": runtime_package_hash(source),
    }
    info = env.info()
    if env.exists() and all(info.get(k) == v for k, v in wanted.items()):
        progress(
            f"[setup] runtime environment up to date at {env.root} (lionagi {info['lionagi']})"
        )
        return env

    steps = 5
    if not env.python.exists():
        progress(f"[setup 1/{steps}] creating a venv of {base} at {env.root}")
        env.root.parent.mkdir(parents=True, exist_ok=True)
        _run([base, "-m", "venv", str(env.root)], progress)
    else:
        progress(f"[setup 1/{steps}] venv exists at {env.root}")
    requirements = [lionagi_spec, *extras]
    progress(f"[setup 2/{steps}] installing {' '.join(requirements)} (pip shows its progress)")
    _run(
        [str(env.python), "-m", "pip", "install", "--disable-pip-version-check", *requirements],
        progress,
    )
    progress(f"[setup 3/{steps}] installing the runtime package from {source}")
    _install_runtime_package(env, source, progress)
    progress(f"[setup 4/{steps}] building matplotlib's font list")
    _build_font_cache(env, progress)
    version = subprocess.run(
        [
            str(env.python),
            "-c",
            "from importlib.metadata import version; print(version('lionagi'))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    progress(f"[setup 5/{steps}] recording lionagi {version}")
    env.marker.write_text(json.dumps({**wanted, "lionagi": version}, indent=2) + "\n")
    progress(f"[setup] runtime environment ready at {env.root}")
    return env


def _install_runtime_package(env: RuntimeEnv, source: Path, progress: Progress) -> None:
    """pip-install the runtime package (not editable: the sandbox mounts only the venv).

    Its in-tree build backend needs nothing, so `--no-index` holds: this step never
    reaches a registry. No bytecode is written into the source, which may be read-only.
    """
    _run(
        [
            str(env.python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-index",
            "--no-deps",
            "--force-reinstall",
            str(source),
        ],
        progress,
        extra_env={"PYTHONDONTWRITEBYTECODE": "1"},
    )
    # The .pth must import the boot module and arm the offline model: check it does.
    _run(
        [
            str(env.python),
            "-c",
            "import sys, playground_runtime.boot as b; "
            "assert any(isinstance(f, b.HookFinder) for f in sys.meta_path), 'boot did not run'",
        ],
        progress,
        extra_env={"PLAYGROUND_LIONAGI_OFFLINE": "1"},
    )


def _build_font_cache(env: RuntimeEnv, progress: Progress) -> None:
    """Build matplotlib's font list into the venv, when matplotlib is there."""
    probe = subprocess.run(
        [
            str(env.python),
            "-c",
            "import importlib.util as u; print(bool(u.find_spec('matplotlib')))",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    if probe.stdout.strip() != "True":
        progress("    matplotlib is not installed: nothing to build")
        return
    cache = env.root / FONT_CACHE_DIR
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    _run(
        [str(env.python), "-c", "import matplotlib.font_manager"],
        progress,
        extra_env={"MPLCONFIGDIR": str(cache), "MPLBACKEND": "agg"},
    )


def _run(command: list[str], progress: Progress, extra_env: dict[str, str] | None = None) -> None:
    """Run a set-up step, streaming its output through `progress`."""
    if shutil.which(command[0]) is None and not Path(command[0]).exists():
        raise RuntimeEnvError(f"{command[0]} not found")
    environment = {**os.environ, **extra_env} if extra_env else None
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            progress("    " + line.rstrip())
    if process.returncode != 0:
        raise RuntimeEnvError(f"{' '.join(command)} failed with exit code {process.returncode}")

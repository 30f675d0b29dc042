"""Loads the lionagi knowledge: runs the introspection in the runtime environment once, caches it.

The server process never imports lionagi. `introspect.py` runs under the
runtime environment's interpreter in a subprocess (about 0.7 s); its JSON is
cached under `$XDG_CACHE_HOME/lionagi-playground/knowledge/`, keyed by the
environment's path, the installed lionagi's version and install time, the
introspection script and the history probes, so a later start only reads a
file. `lionagi-playground setup` can pre-build it with `build_knowledge`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from lionagi_playground.runtime_env import RuntimeEnv
from lionagi_playground.server.knowledge.decode import decode, fallback_knowledge
from lionagi_playground.server.knowledge.history import History
from lionagi_playground.server.knowledge.model import Knowledge

log = logging.getLogger(__name__)

INTROSPECT_SCRIPT = Path(__file__).with_name("introspect.py")
CACHE_ENV_VAR = "LIONAGI_PLAYGROUND_CACHE"
CACHE_FORMAT = "1"
TIMEOUT_SECONDS = 120.0

Progress = Callable[[str], None]


class KnowledgeError(Exception):
    """The introspection of the runtime environment failed."""


def default_cache_dir() -> Path:
    """`$LIONAGI_PLAYGROUND_CACHE/knowledge`, else under `$XDG_CACHE_HOME/lionagi-playground`."""
    explicit = os.environ.get(CACHE_ENV_VAR)
    if explicit:
        return Path(explicit).expanduser() / "knowledge"
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "lionagi-playground" / "knowledge"


def installed_lionagi(env: RuntimeEnv) -> tuple[str, int] | None:
    """(version, install time in ns) of the lionagi in `env`, from its dist-info, without Python."""
    for pattern in (
        "lib/python*/site-packages/lionagi-*.dist-info",
        "Lib/site-packages/lionagi-*.dist-info",
    ):
        for dist_info in sorted(env.root.glob(pattern)):
            version = dist_info.name.removeprefix("lionagi-").removesuffix(".dist-info")
            record = dist_info / "RECORD"
            try:
                stamp = (record if record.exists() else dist_info).stat().st_mtime_ns
            except OSError:
                continue
            return version, stamp
    return None


@cache
def _script_digest() -> str:
    return hashlib.sha256(INTROSPECT_SCRIPT.read_bytes()).hexdigest()


def cache_path(env: RuntimeEnv, version: str, stamp: int, history: History, root: Path) -> Path:
    key = "|".join(
        (
            CACHE_FORMAT,
            str(env.root.resolve()),
            version,
            str(stamp),
            _script_digest(),
            repr(history.probe_names()),
        )
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return root / f"lionagi-{version}-{digest}.json"


def load_knowledge(
    env: RuntimeEnv | None,
    *,
    cache_dir: Path | None = None,
    history: History | None = None,
) -> Knowledge:
    """The knowledge of the lionagi in `env`: from the cache, else by introspection.

    Never raises: without an environment, without lionagi, or when the
    introspection fails (logged), it returns the history-only fallback.
    """
    history = history or History()
    if env is None or not env.python.exists():
        return fallback_knowledge(history)
    installed = installed_lionagi(env)
    if installed is None:
        log.info("no lionagi in %s: lionagi rules use the curated history only", env.root)
        return fallback_knowledge(history)
    path = cache_path(env, *installed, history, cache_dir or default_cache_dir())
    try:
        raw = path.read_text(encoding="utf-8")
        return decode(_object(json.loads(raw)), raw, history)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:
        log.warning("unreadable knowledge cache %s (%s): rebuilding it", path, error)
    try:
        return _build(env, path, history)
    except KnowledgeError:
        log.exception("reading lionagi from %s failed: using the curated history only", env.root)
        return fallback_knowledge(history)


def build_knowledge(
    env: RuntimeEnv,
    progress: Progress = print,
    *,
    cache_dir: Path | None = None,
    history: History | None = None,
) -> Knowledge:
    """Introspect `env` now and (re)write the cache; for `lionagi-playground setup`.

    Raises `KnowledgeError` when the introspection fails.
    """
    history = history or History()
    installed = installed_lionagi(env)
    if installed is None:
        progress(f"[knowledge] no lionagi in {env.root}: only the curated history will be used")
        return fallback_knowledge(history)
    path = cache_path(env, *installed, history, cache_dir or default_cache_dir())
    progress(f"[knowledge] reading lionagi {installed[0]} from {env.root}")
    knowledge = _build(env, path, history)
    progress(
        f"[knowledge] {len(knowledge.exports)} exports, {len(knowledge.symbols)} symbols, "
        f"{len(knowledge.providers)} providers; cached at {path}"
    )
    return knowledge


def _build(env: RuntimeEnv, path: Path, history: History) -> Knowledge:
    raw = run_introspection(env, history)
    knowledge = decode(_object(json.loads(raw)), raw, history)
    try:
        _write_atomically(path, raw)
    except OSError as error:
        log.warning("could not cache the lionagi knowledge at %s: %s", path, error)
    return knowledge


def _write_atomically(path: Path, text: str) -> None:
    """Write then rename: a concurrent reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_introspection(env: RuntimeEnv, history: History) -> str:
    """Run `introspect.py` with the environment's interpreter; its JSON text."""
    request = json.dumps({"probe_names": [list(pair) for pair in history.probe_names()]})
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("LIONAGI_")}
    # lionagi writes ./data/logs at exit and reads .env files from its working
    # directory: run it in an empty temporary one, with the log saving off.
    child_env["LOG_AUTO_SAVE_ON_EXIT"] = "false"
    with tempfile.TemporaryDirectory(prefix="lionagi-introspect-") as workdir:
        try:
            done = subprocess.run(
                [str(env.python), "-I", str(INTROSPECT_SCRIPT)],
                input=request,
                capture_output=True,
                text=True,
                cwd=workdir,
                env=child_env,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise KnowledgeError(f"could not run {env.python}: {error}") from error
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-5:]
        raise KnowledgeError(
            f"{env.python} {INTROSPECT_SCRIPT.name} exited with {done.returncode}: "
            + " / ".join(tail)
        )
    try:
        _object(json.loads(done.stdout))
    except ValueError as error:
        raise KnowledgeError(f"the introspection printed no JSON: {error}") from error
    return done.stdout


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value

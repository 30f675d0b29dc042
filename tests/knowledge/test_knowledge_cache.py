"""Loading the knowledge: the cache, the fallback without lionagi, `build_knowledge` for setup."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from lionagi_playground.runtime_env import RuntimeEnv
from lionagi_playground.server.knowledge import (
    History,
    KnowledgeError,
    build_knowledge,
    fallback_knowledge,
    load_knowledge,
)
from lionagi_playground.server.knowledge import load as load_module
from tests.lionagi_env import ENV


def test_no_environment_gives_the_history_only_fallback() -> None:
    knowledge = load_knowledge(None)
    assert knowledge.version is None
    assert knowledge.exports == frozenset()
    assert knowledge.providers == ()
    assert any(e.name == "Agent" for e in knowledge.history.removed_names)
    assert knowledge == fallback_knowledge()


def test_environment_without_lionagi_gives_the_fallback(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    os.symlink(sys.executable, tmp_path / "bin" / "python")
    knowledge = load_knowledge(RuntimeEnv(tmp_path), cache_dir=tmp_path / "cache")
    assert knowledge.version is None
    assert not (tmp_path / "cache").exists()


def test_cold_build_then_warm_load_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ENV is not None
    lines: list[str] = []
    built = build_knowledge(ENV, lines.append, cache_dir=tmp_path)
    cached = list(tmp_path.glob("lionagi-*.json"))
    assert len(cached) == 1
    assert built.version is not None
    assert cached[0].name.startswith(f"lionagi-{built.version}-")
    assert any("symbols" in line for line in lines)

    def no_subprocess(env: RuntimeEnv, history: History) -> str:
        raise AssertionError("a warm load must not run the runtime's Python")

    monkeypatch.setattr(load_module, "run_introspection", no_subprocess)
    warm = load_knowledge(ENV, cache_dir=tmp_path)
    assert warm == built
    assert warm.member("Branch", "communicate") is not None


def test_an_unreadable_cache_is_rebuilt(tmp_path: Path) -> None:
    assert ENV is not None
    first = load_knowledge(ENV, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("lionagi-*.json")
    cached.write_text("{not json")
    again = load_knowledge(ENV, cache_dir=tmp_path)
    assert again == first
    assert cached.read_text().startswith("{")


def test_the_cache_key_follows_the_history_probes(tmp_path: Path) -> None:
    assert ENV is not None
    installed = load_module.installed_lionagi(ENV)
    assert installed is not None
    default = load_module.cache_path(ENV, *installed, History(), tmp_path)
    fewer = History(removed_names=History().removed_names[:3])
    assert load_module.cache_path(ENV, *installed, fewer, tmp_path) != default


def test_a_failing_introspection_falls_back_and_build_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ENV is not None

    def broken(env: RuntimeEnv, history: History) -> str:
        raise KnowledgeError("the runtime's python crashed")

    monkeypatch.setattr(load_module, "run_introspection", broken)
    assert load_knowledge(ENV, cache_dir=tmp_path).version is None
    with pytest.raises(KnowledgeError):
        build_knowledge(ENV, lambda line: None, cache_dir=tmp_path)

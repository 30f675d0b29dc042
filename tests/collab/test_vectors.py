"""The Python OT core against vectors that ot.js itself computes (clients/shared/ot/scripts/
vectors.mjs, run here with the npm `ot` package the client package installs): the same
answer component by component, and an error wherever ot.js throws (or where we are stricter)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lionagi_playground.server.collab.operation import (
    OperationError,
    apply,
    compose,
    from_json,
    invert,
    transform,
    transform_index,
    units,
)

PACKAGE = Path(__file__).resolve().parents[2] / "clients" / "shared" / "ot"


def _units(value: Any) -> Any:
    """JSON strings as unit strings (json joins surrogate pairs; ot.js counts them as two)."""
    if isinstance(value, str):
        return units(value)
    if isinstance(value, list):
        return [_units(v) for v in value]
    return value


def _run(fn: str, args: list[Any]) -> Any:
    if fn == "apply":
        return apply(args[0], from_json(args[1]))
    if fn == "compose":
        return list(compose(from_json(args[0]), from_json(args[1])))
    if fn == "transform":
        a, b = transform(from_json(args[0]), from_json(args[1]))
        return [list(a), list(b)]
    if fn == "invert":
        return list(invert(from_json(args[0]), args[1]))
    if fn == "fromJSON":
        return list(from_json(args[0]))
    if fn == "transformIndex":
        return transform_index(args[0], from_json(args[1]))
    raise AssertionError(f"unknown vector function {fn}")


@pytest.fixture(scope="module")
def vectors(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    assert (PACKAGE / "node_modules" / "ot").is_dir(), (
        "ot.js is missing: `make clients` (or npm ci in clients/shared/ot) installs it"
    )
    out = tmp_path_factory.mktemp("vectors") / "vectors.json"
    subprocess.run(
        ["node", "scripts/vectors.mjs", str(out), "--seed", "20261206", "--count", "400"],
        cwd=PACKAGE,
        check=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    cases: list[dict[str, Any]] = json.loads(out.read_text())
    return cases


def test_every_function_gives_ot_js_s_answer(vectors: list[dict[str, Any]]) -> None:
    functions = {case["fn"] for case in vectors}
    assert functions == {"apply", "compose", "transform", "invert", "fromJSON", "transformIndex"}
    mismatches = []
    for case in vectors:
        args = _units(case["args"]) if case["fn"] != "fromJSON" else [_units(case["args"][0])]
        refuse = case.get("error") or case.get("ours") == "refuse"
        try:
            got = _run(case["fn"], args)
        except OperationError:
            if not refuse:
                mismatches.append((case, "raised"))
            continue
        if refuse:
            mismatches.append((case, f"accepted: {got!r}"))
        elif got != _units(case["result"]):
            mismatches.append((case, got))
    assert not mismatches, mismatches[:5]
    assert len(vectors) > 2000
    assert sum(1 for c in vectors if c.get("error")) > 10, "ot.js's errors are in the vectors"

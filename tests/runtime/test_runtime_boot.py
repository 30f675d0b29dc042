"""The runtime package's installation and boot: armed only when asked, and kept current by setup.

Boot cost is measured by hand (docs/runtime.md), not asserted; what is asserted is what makes
it cheap: with nothing asked, boot puts nothing on `sys.meta_path` and imports nothing heavy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lionagi_playground.runtime_env import (
    RuntimeEnv,
    build_runtime_env,
    runtime_package_hash,
    runtime_package_source,
)

if TYPE_CHECKING:
    from tests.runtime.conftest import Runner

PROBE = """
    import sys
    names = [type(f).__name__ for f in sys.meta_path]
    print(names.count("HookFinder"), "lionagi" in sys.modules, "typing" in sys.modules)
"""


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "0 False False\n"),
        ({"PLAYGROUND_LIONAGI_OFFLINE": "0"}, "0 False False\n"),
        ({"PLAYGROUND_LIONAGI_OFFLINE": "1"}, "1 False False\n"),
        ({"MPLBACKEND": "module://playground_runtime.mpl_backend"}, "1 False False\n"),
        ({"PLAYGROUND_DISPLAY_NONCE": "n0nce"}, "1 False False\n"),
        ({"PLAYGROUND_LIONAGI_RECORD": "1"}, "1 False False\n"),
        ({"PLAYGROUND_LIONAGI_RECORD": "1", "PLAYGROUND_LIONAGI_OFFLINE": "1"}, "1 False False\n"),
    ],
)
def test_boot_arms_only_what_the_run_asks_for(
    runtime_env: RuntimeEnv, env: dict[str, str], expected: str
) -> None:
    completed = subprocess.run(
        [str(runtime_env.python), "-c", PROBE.replace("\n    ", "\n")],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout == expected


def test_without_offline_mode_lionagi_is_not_patched(run_program: Runner) -> None:
    """A user with a key and network allowed (PLAYGROUND_LIONAGI_OFFLINE=0) gets lionagi as is."""
    run = run_program(
        """
        from lionagi.service.connections.endpoint import Endpoint
        from lionagi.service.token_calculator import TokenCalculator
        print(getattr(Endpoint, "playground_offline", False), TokenCalculator.tokenize.__module__)
        """,
        offline=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.text == "False lionagi.service.token_calculator\n"


def test_boot_hooks_name_every_lionagi_patch(run_program: Runner) -> None:
    run = run_program(
        """
        from playground_runtime import boot, lionagi_patch
        print(sorted(boot.LIONAGI_HOOKS) == sorted(lionagi_patch.PATCHES))
        """
    )
    assert run.text == "True\n", run.stderr


def test_the_installed_runtime_package_is_the_current_source(runtime_env: RuntimeEnv) -> None:
    marker = json.loads(runtime_env.marker.read_text())
    assert marker["runtime_package"] == runtime_package_hash()
    site = runtime_env.root / "lib"
    (pth,) = site.glob("python3*/site-packages/playground_runtime.pth")
    assert pth.read_text() == "import playground_runtime.boot\n"


def test_setup_is_a_no_op_when_current(runtime_env: RuntimeEnv) -> None:
    lines: list[str] = []
    build_runtime_env(runtime_env.root, progress=lines.append)
    assert len(lines) == 1
    assert lines[0].startswith("[setup] runtime environment up to date")


def test_the_source_hash_changes_with_any_file(tmp_path: Path) -> None:
    source = tmp_path / "runtime"
    shutil.copytree(runtime_package_source(), source)
    before = runtime_package_hash(source)
    (source / "playground_runtime" / "__pycache__").mkdir(exist_ok=True)
    (source / "playground_runtime" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"x")
    assert runtime_package_hash(source) == before, "bytecode is not source"
    boot = source / "playground_runtime" / "boot.py"
    boot.write_text(boot.read_text() + "\n")
    assert runtime_package_hash(source) != before


def test_filled_schemas_validate_against_their_models(run_program: Runner) -> None:
    """Every kind of field pydantic models commonly have gets a value its model accepts."""
    run = run_program(
        """
        import datetime, enum, uuid
        from typing import Literal, Optional
        from pydantic import BaseModel, Field
        from playground_runtime.schema_fill import fill_schema

        class Colour(enum.Enum):
            RED = "red"
            BLUE = "blue"

        class Address(BaseModel):
            street: str
            number: int = Field(ge=10, le=20)

        class Node(BaseModel):
            name: str
            children: list["Node"] = []

        class Everything(BaseModel):
            title: str = Field(min_length=20, max_length=30)
            count: int = Field(gt=5, multiple_of=4)
            ratio: float = Field(ge=0, lt=0.5)
            flag: bool
            colour: Colour
            mode: Literal["fast", "slow"]
            maybe: Optional[Address]
            addresses: list[Address] = Field(min_length=2)
            pair: tuple[int, str]
            mapping: dict[str, int]
            when: datetime.date
            stamp: datetime.datetime
            ident: uuid.UUID
            tree: Node
            union: int | str

        value = fill_schema(Everything.model_json_schema())
        model = Everything.model_validate(value)
        print(model.title, model.count, model.ratio, model.colour.value, model.mode)
        print(len(model.addresses), model.addresses[0].number, model.pair, model.when)
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.text == (
        "offline titlexxxxxxx 8 0.0 red fast\n2 10 (1, 'offline pair') 2024-01-01\n"
    )


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("What is 6 times 7?", "[('multiply', {'a': 6, 'b': 7})]"),
        ("Add 2 and 3, please", "[('add', {'a': 2, 'b': 3})]"),
        ("What's the weather in New York today?", "[('get_weather', {'city': 'New York'})]"),
        ('Search for "lionagi ReAct"', "[('search', {'query': 'Search for \"lionagi ReAct\"'})]"),
        ("Do something", "[('multiply', {'a': 1, 'b': 1})]"),
    ],
)
def test_tool_choice_reads_the_task(run_program: Runner, task: str, expected: str) -> None:
    run = run_program(
        f"""
        from playground_runtime.chat import ToolSpec
        from playground_runtime.tool_choice import choose_tools, tool_arguments

        text = {{"type": "string"}}
        two_numbers = {{"properties": {{"a": {{"type": "number"}}, "b": {{"type": "number"}}}}}}
        tools = [
            ToolSpec("multiply", "Multiply two numbers.", two_numbers),
            ToolSpec("add", "Add two numbers.", two_numbers),
            ToolSpec("get_weather", "Current weather.", {{"properties": {{"city": text}}}}),
            ToolSpec("search", "Search the web.", {{"properties": {{"query": text}}}}),
        ]
        task = {task!r}
        print([(t.name, tool_arguments(task, t)) for t in choose_tools(task, tools)])
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.text == expected + "\n"

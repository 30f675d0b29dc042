"""Security hints: information only, on the call (or the shell=True) concerned, imports resolved."""

from __future__ import annotations

import pytest

from lionagi_playground.server.analysis import security
from lionagi_playground.server.analysis.findings import Severity
from lionagi_playground.server.analysis.source import Source


def hints(text: str) -> list[tuple[str, int, str]]:
    source = Source(text)
    findings = security.check(source)
    assert all(finding.severity == Severity.INFORMATION for finding in findings)
    assert all(finding.source == "security" for finding in findings)
    return [(f.code, f.span.line, source.segment(f.span)) for f in findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eval(text)\n", ("S307", 0, "eval")),
        ("exec(code)\n", ("S102", 0, "exec")),
        ("from builtins import exec as run\nrun(code)\n", ("S102", 1, "run")),
        ("import pickle\npickle.loads(data)\n", ("S301", 1, "pickle.loads")),
        ("import pickle as pk\npk.load(f)\n", ("S301", 1, "pk.load")),
        ("from pickle import loads\nloads(data)\n", ("S301", 1, "loads")),
        ("import marshal\nmarshal.loads(data)\n", ("S302", 1, "marshal.loads")),
        ("import subprocess\nsubprocess.run(cmd, shell=True)\n", ("S602", 1, "shell=True")),
        ("import subprocess as sp\nsp.Popen(cmd, shell=1)\n", ("S602", 1, "shell=1")),
        (
            "from subprocess import check_output\ncheck_output(c, shell=True)\n",
            ("S602", 1, "shell=True"),
        ),
        ("import os\nos.system(command)\n", ("S605", 1, "os.system")),
        ("import os\nos.popen(command)\n", ("S605", 1, "os.popen")),
        ("import subprocess\nsubprocess.getoutput(cmd)\n", ("S605", 1, "subprocess.getoutput")),
        ("import yaml\nyaml.load(text)\n", ("S506", 1, "yaml.load")),
        ("import yaml\nyaml.load(text, Loader=yaml.Loader)\n", ("S506", 1, "yaml.load")),
        ("import yaml\nyaml.load(text, yaml.UnsafeLoader)\n", ("S506", 1, "yaml.load")),
        ("import yaml\nyaml.unsafe_load(text)\n", ("S506", 1, "yaml.unsafe_load")),
    ],
)
def test_hint(text: str, expected: tuple[str, int, str]) -> None:
    assert hints(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "import ast\nast.literal_eval(text)\n",
        "model.eval()\n",  # torch's Module.eval, not the builtin
        "import subprocess\nsubprocess.run(['ls', '-l'])\n",
        "import subprocess\nsubprocess.run(cmd, shell=False)\n",
        "import subprocess\nsubprocess.run(cmd, shell=use_shell)\n",  # not provably True
        "import yaml\nyaml.safe_load(text)\n",
        "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)\n",
        "from yaml import load, CSafeLoader\nload(text, CSafeLoader)\n",
        "import json\njson.loads(text)\n",
        "system('ls')\n",  # not os.system
        "x = 1\n",
    ],
)
def test_no_hint(text: str) -> None:
    assert hints(text) == []


def test_hints_explain_in_one_sentence() -> None:
    for code, message in security.CALLS.values():
        assert message, code
        assert "\n" not in message, code
        assert ". " not in message, code

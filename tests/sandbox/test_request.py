"""Run requests: file names are checked strictly, with an error that says what is wrong."""

from __future__ import annotations

import re

import pytest

from lionagi_playground.sandbox import InvalidRequestError, RunRequest
from lionagi_playground.sandbox.request import MAX_FILE_BYTES, MAX_FILES


def test_a_good_request() -> None:
    request = RunRequest({"main.py": "print(1)", "pkg/util.py": ""}, "main.py")
    assert str(request.entry_path) == "main.py"
    assert request.run_id


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/etc/passwd", "absolute"),
        ("../escape.py", "'.' or '..' part"),
        ("a/../../b.py", "'.' or '..' part"),
        ("a//b.py", "empty"),
        ("./main.py", "'.' or '..' part"),
        ("bad\x00.py", "NUL"),
        ("tab\t.py", "control character"),
        ("back\\slash.py", "control character or backslash"),
        ("x" * 300, "longer than"),
        ("/".join(["d"] * 10) + ".py", "deeper"),
        ("", "empty"),
    ],
)
def test_bad_file_names_are_refused(name: str, message: str) -> None:
    with pytest.raises(InvalidRequestError, match=re.escape(message)):
        RunRequest({name: "", "main.py": ""}, "main.py")


def test_counts_sizes_and_shapes_are_bounded() -> None:
    with pytest.raises(InvalidRequestError, match="at most"):
        RunRequest({f"f{i}.py": "" for i in range(MAX_FILES + 1)}, "f0.py")
    with pytest.raises(InvalidRequestError, match="larger than"):
        RunRequest({"main.py": "x" * (MAX_FILE_BYTES + 1)}, "main.py")
    with pytest.raises(InvalidRequestError, match="both a file and a folder"):
        RunRequest({"a": "", "a/b.py": ""}, "a/b.py")
    with pytest.raises(InvalidRequestError, match="not one of the files"):
        RunRequest({"main.py": ""}, "other.py")
    with pytest.raises(InvalidRequestError, match="at least one file"):
        RunRequest({}, "main.py")


@pytest.mark.parametrize("name", ["examples", "examples/data.csv", "examples/more/x.py"])
def test_the_example_datasets_folder_is_reserved(name: str) -> None:
    with pytest.raises(InvalidRequestError, match="read-only example datasets"):
        RunRequest({name: "", "main.py": ""}, "main.py")
    # Only the top level is the mount point: a folder of that name deeper down is anyone's.
    RunRequest({"lessons/examples/x.py": "", "main.py": ""}, "main.py")

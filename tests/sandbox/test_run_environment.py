"""What every run finds, on every backend: `LIONAGI_ENV=playground` and the example datasets,
readable at /workspace/examples and impossible to change from inside a run."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from lionagi_playground.sandbox import Backend
from lionagi_playground.sandbox.datasets import EXAMPLES_DIR, generate
from tests.sandbox.harness import run_files


def tree_digest(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Each file's content hash, mode and mtime: what a run must not change on the host."""
    return {
        path.name: (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mode,
            path.stat().st_mtime_ns,
        )
        for path in sorted(folder.iterdir())
    }


@pytest.mark.parametrize(
    ("entry", "source"),
    [
        ("main.py", "import os\nprint(os.environ['LIONAGI_ENV'])\n"),
        ("main.sh", 'echo "$LIONAGI_ENV"\n'),
        ("main.js", "console.log(process.env.LIONAGI_ENV)\n"),
    ],
)
async def test_every_runtime_runs_with_lionagi_env_playground(
    backend: Backend, entry: str, source: str
) -> None:
    result = await run_files(backend, {entry: source}, entry)
    assert result.exit.status == "ok", result.text("stderr")
    assert result.text() == "playground\n"


async def test_the_examples_are_there_to_read(backend: Backend) -> None:
    source = textwrap.dedent(
        """
        import os
        for name in sorted(os.listdir("/workspace/examples")):
            with open(os.path.join("examples", name), encoding="utf-8") as data:
                text = data.read()
            print(name, len(text.splitlines()), text.splitlines()[0])
        """
    )
    result = await run_files(backend, {"main.py": source}, "main.py")
    assert result.exit.status == "ok", result.text("stderr")
    expected = "".join(
        f"{name} {len(text.splitlines())} {text.splitlines()[0]}\n"
        for name, text in sorted(generate().items())
    )
    assert result.text() == expected


WRITE_ATTEMPTS = textwrap.dedent(
    """
    import os

    def attempt(what, action):
        try:
            action()
            print(what, "DONE")
        except OSError as error:
            print(what, "refused")

    base = "/workspace/examples"
    attempt("create", lambda: open(f"{base}/new.csv", "w").write("x"))
    attempt("append", lambda: open(f"{base}/sales.csv", "a").write("x"))
    attempt("truncate", lambda: open(f"{base}/sales.csv", "w").close())
    attempt("delete", lambda: os.unlink(f"{base}/flowers.csv"))
    attempt("rename", lambda: os.rename(f"{base}/flowers.csv", f"{base}/f.csv"))
    attempt("chmod", lambda: os.chmod(f"{base}/flowers.csv", 0o777))
    attempt("mkdir", lambda: os.mkdir(f"{base}/sub"))
    attempt("symlink", lambda: os.symlink("/tmp", f"{base}/link"))
    attempt("rmdir", lambda: os.rmdir(base))
    attempt("move away", lambda: os.rename(base, "/workspace/elsewhere"))
    print(sorted(os.listdir(base)))
    """
)


async def test_the_examples_cannot_be_changed_from_a_run(backend: Backend) -> None:
    before = tree_digest(EXAMPLES_DIR)
    result = await run_files(backend, {"main.py": WRITE_ATTEMPTS}, "main.py")
    assert result.exit.status == "ok", result.text("stderr")
    lines = result.text().splitlines()
    assert [line for line in lines[:-1] if not line.endswith(" refused")] == []
    assert len(lines) == 11
    assert lines[-1] == str(sorted(generate()))
    assert tree_digest(EXAMPLES_DIR) == before


async def test_a_shell_cannot_remove_the_examples_either(backend: Backend) -> None:
    before = tree_digest(EXAMPLES_DIR)
    source = "rm -rf /workspace/examples 2>/dev/null\necho $?\nls /workspace/examples\n"
    result = await run_files(backend, {"main.sh": source}, "main.sh")
    assert result.exit.status == "ok", result.text("stderr")
    assert result.text() == "1\n" + "".join(f"{name}\n" for name in sorted(generate()))
    assert tree_digest(EXAMPLES_DIR) == before

"""The workspace of a document read from disk leaves out a top-level examples/ folder."""

from __future__ import annotations

from pathlib import Path

from lionagi_playground.server.runs.workspace import document_workspace


def test_a_top_level_examples_folder_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "mine.csv").write_text("a,b\n")
    (tmp_path / "lib" / "examples").mkdir(parents=True)
    (tmp_path / "lib" / "examples" / "deep.py").write_text("x = 1\n")
    (tmp_path / "main.py").write_text("print(1)\n")
    open_buffer = (tmp_path / "examples" / "open.py").as_uri()
    main = (tmp_path / "main.py").as_uri()
    workspace = document_workspace(
        main, {main: "print(2)\n", open_buffer: "y = 2\n"}, None, read_disk=True
    )
    # The run would see the sandbox's datasets at examples/, never these files.
    assert workspace.files == {"main.py": "print(2)\n", "lib/examples/deep.py": "x = 1\n"}
    assert workspace.entry == "main.py"

"""Display frames from the runtime package: matplotlib's show/savefig, and `display.emit`.

The frame format is the contract with the sandbox supervisor:
ESC ] 5379 ; NONCE ; base64(json {"mime", "data": base64}) BEL, in one write on fd 1.
"""

from __future__ import annotations

import base64
import json
import re
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.runtime.conftest import Runner

NONCE = "n0nce-5379"
FRAME = re.compile(rb"\x1b\]5379;([^;\x07]*);([A-Za-z0-9+/=]*)\x07")
PLOT_ENV = {
    "MPLBACKEND": "module://playground_runtime.mpl_backend",
    "PLAYGROUND_DISPLAY_NONCE": NONCE,
}
PLOT = """
    import matplotlib.pyplot as plt

    plt.plot([1, 2, 3], [1, 4, 9])
    plt.title("squares")
"""


def frames(stdout: bytes) -> list[dict[str, str]]:
    items = []
    for nonce, body in FRAME.findall(stdout):
        assert nonce == NONCE.encode()
        items.append(json.loads(base64.b64decode(body)))
    return items


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_show_emits_each_open_figure_as_a_png_in_output_order(run_program: Runner) -> None:
    run = run_program(
        PLOT
        + """
    print("before")
    plt.figure(figsize=(3, 2), dpi=100)
    plt.bar(["a", "b"], [3, 5])
    plt.show()
    print("after", len(plt.get_fignums()))
    """,
        env=PLOT_ENV,
    )
    assert run.returncode == 0, run.stderr
    text = FRAME.sub(b"<frame>", run.stdout)
    assert text == b"before\n<frame><frame>after 0\n"
    items = frames(run.stdout)
    assert [item["mime"] for item in items] == ["image/png", "image/png"]
    sizes = [png_size(base64.b64decode(item["data"])) for item in items]
    assert sizes == [(640, 480), (300, 200)]
    assert run.network_attempts == []


def test_savefig_writes_the_file_and_shows_it_once(run_program: Runner) -> None:
    run = run_program(
        PLOT
        + """
    plt.savefig("squares.png")
    plt.show()
    """,
        env=PLOT_ENV,
    )
    assert run.returncode == 0, run.stderr
    assert run.cwd_files == ["squares.png"]
    (item,) = frames(run.stdout)
    assert png_size(base64.b64decode(item["data"])) == (640, 480)


def test_a_figure_changed_after_savefig_is_shown_again(run_program: Runner) -> None:
    run = run_program(
        PLOT
        + """
    plt.savefig("first.png")
    plt.plot([1, 2, 3], [9, 4, 1])
    plt.show()
    """,
        env=PLOT_ENV,
    )
    assert run.returncode == 0, run.stderr
    assert len(frames(run.stdout)) == 2


def test_without_a_nonce_the_backend_is_silent_agg(run_program: Runner) -> None:
    run = run_program(
        PLOT
        + """
    plt.savefig("squares.png")
    plt.show()
    print("open figures:", len(plt.get_fignums()))
    """,
        env={"MPLBACKEND": PLOT_ENV["MPLBACKEND"]},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == b"open figures: 1\n"
    assert run.stderr == ""
    assert run.cwd_files == ["squares.png"]


def test_the_prebuilt_font_list_seeds_matplotlibs_cache(run_program: Runner) -> None:
    """The run's cache directory gets set-up's font list instead of a font scan."""
    run = run_program(
        PLOT
        + """
    import os
    plt.show()
    print(sorted(os.listdir(os.environ["MPLCONFIGDIR"])))
    """,
        env={**PLOT_ENV, "MPLCONFIGDIR": "mplconfig"},
    )
    assert run.returncode == 0, run.stderr
    assert re.fullmatch(rb"\['fontlist-v[\d.]+\.json'\]\n", FRAME.sub(b"", run.stdout))


def test_emit_sends_any_mime_type(run_program: Runner) -> None:
    run = run_program(
        """
        from playground_runtime import display

        print("sent:", display.emit("text/html", "<b>hi</b>"))
        """,
        env={"PLAYGROUND_DISPLAY_NONCE": NONCE},
    )
    assert run.returncode == 0, run.stderr
    (item,) = frames(run.stdout)
    assert item["mime"] == "text/html"
    assert base64.b64decode(item["data"]) == b"<b>hi</b>"
    assert FRAME.sub(b"", run.stdout) == b"sent: True\n"


def test_emit_without_a_nonce_sends_nothing(run_program: Runner) -> None:
    run = run_program(
        """
        from playground_runtime import display

        print("sent:", display.emit("image/png", b"not really"))
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == b"sent: False\n"


def test_figure_show_sends_that_figure_and_keeps_it_open(run_program: Runner) -> None:
    run = run_program(
        """
        import matplotlib.pyplot as plt

        figure = plt.figure()
        plt.plot([1, 2, 3])
        figure.show()
        print("open figures:", len(plt.get_fignums()))
        """,
        env=PLOT_ENV,
    )
    assert run.returncode == 0, run.stderr
    assert len(frames(run.stdout)) == 1
    assert FRAME.sub(b"", run.stdout) == b"open figures: 1\n"

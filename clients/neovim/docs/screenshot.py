"""Takes clients/neovim/docs/neovim.png from the real editor.

Neovim 0.11 runs in tmux at a fixed size with the plugin from this checkout and the server
`.venv/bin/lionagi-playground lsp`; the scene is driven as a user would (keys sent to tmux)
and waited for through Neovim's RPC socket; the pane is captured with its colours
(`tmux capture-pane -e -p`), turned into HTML here, and rendered by headless Chromium.

    .venv/bin/python clients/neovim/docs/screenshot.py   (needs tmux and chromium)
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pynvim  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from tests.neovim.harness import SERVER, environment, nvim_binary  # noqa: E402

COLUMNS, LINES = 118, 34
SESSION = "playground-shot"
OUT = Path(__file__).with_name("neovim.png")

CHAT = '''\
import asyncio

from lionagi import Branch


async def main():
    branch = Branch(system="You are a friendly tutor.")
    name = input("Your name? ")
    reply = await branch.communicate(f"Greet {name} in one sentence.")
    print(reply)
    print(f"{len(branch.messages)} messages in the branch")


asyncio.run(main())
'''

INIT = """\
vim.opt.runtimepath:prepend(%(plugin)s)
vim.opt.termguicolors = true
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.opt.shadafile = 'NONE'
vim.opt.swapfile = false
vim.diagnostic.config({ virtual_text = true })
require('lionagi_playground').setup({ cmd = %(cmd)s })
"""

# The 16 colours of the terminal Neovim draws for (xterm's defaults, a little softened).
PALETTE = [
    "#1e1e1e", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#dcdfe4",
    "#5c6370", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#ffffff",
]  # fmt: skip


def xterm256(n: int) -> str:
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    level = 8 + (n - 232) * 10
    return f"#{level:02x}{level:02x}{level:02x}"


def to_html(ansi: str) -> str:
    """The captured pane as HTML spans (SGR: bold, italic, underline, reverse, 16/256/24-bit)."""
    out: list[str] = []
    state: dict[str, object] = {}

    def colour(params: list[int], i: int) -> tuple[str | None, int]:
        if params[i + 1] == 5:
            return xterm256(params[i + 2]), i + 3
        if params[i + 1] == 2:
            r, g, b = params[i + 2 : i + 5]
            return f"#{r:02x}{g:02x}{b:02x}", i + 5
        return None, i + 1

    for part in re.split(r"(\x1b\[[0-9;:]*m)", ansi):
        if not part.startswith("\x1b["):
            if part:
                fg, bg = state.get("fg"), state.get("bg")
                if state.get("reverse"):
                    fg, bg = bg or "#1e1e1e", fg or "#dcdfe4"
                style = []
                if fg:
                    style.append(f"color:{fg}")
                if bg:
                    style.append(f"background:{bg}")
                if state.get("bold"):
                    style.append("font-weight:bold")
                if state.get("italic"):
                    style.append("font-style:italic")
                if state.get("underline"):
                    style.append("text-decoration:underline")
                out.append(f'<span style="{";".join(style)}">{html.escape(part)}</span>')
            continue
        params = [int(p) if p else 0 for p in re.split("[;:]", part[2:-1])] or [0]
        i = 0
        while i < len(params):
            p = params[i]
            if p == 0:
                state.clear()
            elif p in (1, 3, 4, 7):
                state[{1: "bold", 3: "italic", 4: "underline", 7: "reverse"}[p]] = True
            elif p in (22, 23, 24, 27):
                state.pop({22: "bold", 23: "italic", 24: "underline", 27: "reverse"}[p], None)
            elif 30 <= p <= 37 or 90 <= p <= 97:
                state["fg"] = PALETTE[p - 30 if p < 90 else p - 82]
            elif 40 <= p <= 47 or 100 <= p <= 107:
                state["bg"] = PALETTE[p - 40 if p < 100 else p - 92]
            elif p in (38, 48) and i + 1 < len(params):
                value, i = colour(params, i)
                state["fg" if p == 38 else "bg"] = value
                continue
            elif p == 39:
                state.pop("fg", None)
            elif p == 49:
                state.pop("bg", None)
            i += 1
    body = "".join(out)
    return (
        "<!doctype html><meta charset=utf-8><style>body{margin:0;background:#1e1e1e}"
        "pre{margin:0;padding:10px 12px;font:15px/1.3 'DejaVu Sans Mono',monospace;"
        f"color:#dcdfe4}}</style><pre>{body}</pre>"
    )


def lua_list(items: list[str]) -> str:
    return "{ " + ", ".join(json.dumps(item) for item in items) + " }"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait(nvim: object, condition: str, what: str, timeout: float = 90.0) -> None:
    if nvim.api.get_mode()["blocking"]:  # type: ignore[attr-defined]
        raise SystemExit(f"a prompt waits:\n{tmux('capture-pane', '-t', SESSION, '-p')}")
    ok = nvim.exec_lua(  # type: ignore[attr-defined]
        f"return vim.wait({int(timeout * 1000)}, function() return ({condition}) end, 20)"
    )
    if not ok:
        state = nvim.exec_lua(  # type: ignore[attr-defined]
            "return vim.inspect({ vim.api.nvim_get_mode(), vim.api.nvim_buf_get_lines(0, 0, -1,"
            " false), vim.tbl_map(function(d) return d.message end, vim.diagnostic.get(0)),"
            " vim.api.nvim_exec2('messages', { output = true }).output,"
            " vim.tbl_map(function(d) return d.source end, vim.diagnostic.get(0)) })"
        )
        raise SystemExit(f"timed out waiting for {what}: {state}")


def keys(nvim: object, typed: str, mode: str, timeout: float = 30.0) -> None:
    """Types `typed` and waits until Neovim is in `mode` (nvim_get_mode is answered at once, also
    while keys are pending, which a vim.wait would hold back)."""
    nvim.input(typed)  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while nvim.api.get_mode()["mode"] != mode:  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise SystemExit(f"not in mode {mode} after typing {typed!r}")
        time.sleep(0.02)


def console_has(text: str) -> str:
    return (
        "(function() local c = require('lionagi_playground.console').current()"
        " return c ~= nil and table.concat(vim.api.nvim_buf_get_lines(c.buf, 0, -1, false),"
        f" '\\n'):find({json.dumps(text, ensure_ascii=False)}, 1, true) ~= nil end)()"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        project = home / "tutor"
        project.mkdir()
        (project / "chat.py").write_text(CHAT)
        init = home / "init.lua"
        init.write_text(
            INIT % {"plugin": json.dumps(str(ROOT / "clients/neovim")), "cmd": lua_list(SERVER)}
        )
        socket = str(home / "nvim.sock")
        env = environment(home, SERVER)
        command = " ".join(
            [
                "env",
                *(f"{k}={json.dumps(v)}" for k, v in env.items()),
                "TERM=xterm-256color",
                "COLORTERM=truecolor",
                nvim_binary(),
                "--listen",
                socket,
                "-u",
                str(init),
                "chat.py",
            ]
        )
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        tmux(
            "new-session", "-d", "-s", SESSION, "-x", str(COLUMNS), "-y", str(LINES),
            "-c", str(project), command,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while not Path(socket).exists():
                if time.monotonic() > deadline:
                    raise SystemExit("nvim did not start")
                time.sleep(0.05)
            nvim = pynvim.attach("socket", path=socket)
            wait(
                nvim,
                "#vim.lsp.get_clients({ bufnr = 0 }) > 0"
                " and vim.lsp.get_clients({ bufnr = 0 })[1].initialized",
                "the server",
            )
            keys(nvim, ":PlaygroundRun<CR>", "n")
            wait(nvim, console_has("Your name?"), "the prompt")
            keys(nvim, "<C-w>ji", "t")
            keys(nvim, "Ada<CR>", "t")
            wait(nvim, console_has("✔ ok"), "the run's end")
            keys(nvim, "<C-\\><C-n>", "nt")
            keys(nvim, "<C-w>p11G", "n")
            keys(nvim, 'osummary = branch.communicate("Sum up.")<Esc>', "n")
            wait(
                nvim,
                "#vim.tbl_filter(function(d) return d.source == 'lionagi' end,"
                " vim.diagnostic.get(0)) > 0",
                "the lionagi diagnostic",
            )
            nvim.command("redraw!")
            wait(nvim, "true", "a redraw")  # one round trip: the redraw is flushed to tmux
            ansi = tmux("capture-pane", "-t", SESSION, "-e", "-p")
            nvim.close()
        finally:
            subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        page = home / "shot.html"
        page.write_text(to_html(ansi))
        width, height = COLUMNS * 9 + 24, LINES * 20 + 20
        subprocess.run(
            [
                "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--window-size={width},{height}", f"--screenshot={OUT}", page.as_uri(),
            ],
            check=True, capture_output=True,
        )  # fmt: skip
        print(textwrap.shorten(f"wrote {OUT}", 200))


if __name__ == "__main__":
    main()

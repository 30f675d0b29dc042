"""A real `lionagi-playground serve` in a subprocess, on a free loopback port, with its own
data folder (and, for tests of the HTTP side, a stand-in page folder when asked)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPResponse
from pathlib import Path

from lionagi_playground.server.web.app import cookie_name


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    token: str
    data_dir: Path

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/lsp"

    @property
    def cookie(self) -> str:
        return f"{cookie_name(self.token)}={self.token}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def serve(data_dir: Path, *extra: str, env: dict[str, str] | None = None, port: int = 0) -> Served:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lionagi_playground",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(2)]  # blocks until announced
    found = re.search(r"open: http://127\.0\.0\.1:(\d+)/\?token=(\S+)", "".join(lines))
    if found is None:
        process.kill()
        raise RuntimeError(f"serve did not announce its link: {lines!r}")
    return Served(process, int(found.group(1)), found.group(2), data_dir)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(url: str, *, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: status, headers (lower-case names), body."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response: HTTPResponse = opener.open(request, timeout=20)
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
    with response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()

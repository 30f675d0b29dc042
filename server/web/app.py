"""The page, its assets and the token cookie, in front of the /lsp WebSocket.

The Jupyter way: the server prints a URL carrying a random token; the first visit trades it
for an HttpOnly, SameSite=Strict cookie and a redirect to the same page without it, so the
token leaves the address bar (and the history, and any Referer). Every later request, the
WebSocket's included, carries the cookie. An invitation link (`/?invite=...`) opens the page
without the token; its WebSocket presents the invitation instead, and reaches one playground.

The built page (clients/monaco, `npm run build`) is `dist/` next to this file: shipped in the
wheel, never fetched from anywhere at run time.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
import secrets
from pathlib import Path
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from lionagi_playground import __version__
from lionagi_playground.server.connection_limits import DEFAULT_LIMITS, Limits
from lionagi_playground.server.shared import Shared
from lionagi_playground.server.websocket import Gate, lsp_endpoint

DIST = Path(__file__).resolve().parent / "dist"
TOKEN_FILE = "serve-token"

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    # An invitation link must not leak to another site through a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # Monaco injects its styles and runs its workers from blob: URLs; images of runs come
    # as data: URLs. Nothing from another origin, ever.
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
        "style-src 'self' 'unsafe-inline'; font-src 'self' data:; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
}


def cookie_name(token: str) -> str:
    """Named after the token, so two servers on one host (other ports) keep their cookies
    apart, and a new token does not meet an old cookie of the same name."""
    return f"lionagi_playground_{hashlib.sha256(token.encode()).hexdigest()[:12]}"


def load_or_make_token(data_dir: Path) -> str:
    """The page's token, kept in the data folder (mode 0600) so that a restarted server still
    accepts the cookie of a page left open: a reload brings the same playground back."""
    path = data_dir / TOKEN_FILE
    try:
        token = path.read_text().strip()
        if len(token) >= 16:
            return token
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(token + "\n")
    return token


def _notice(title: str, body: str, status: int) -> HTMLResponse:
    page = (
        "<!doctype html><meta charset=utf-8><title>lionagi playground</title>"
        "<body style='font:16px system-ui;background:#1e1e1e;color:#ddd;padding:3em'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(body)}</p>"
    )
    return HTMLResponse(page, status_code=status, headers=PAGE_HEADERS)


def create_web_app(
    shared: Shared,
    *,
    token: str,
    origins: list[str] | None = None,
    loopback_only: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    assets: Path = DIST,
) -> Starlette:
    cookie = cookie_name(token)
    gate = Gate(
        token,
        frozenset(origin.rstrip("/") for origin in origins or []),
        cookie,
        loopback_only,
        limits,
    )

    def has_token(request: Request) -> bool:
        offered = request.cookies.get(cookie, "")
        return bool(offered) and hmac.compare_digest(offered.encode(), token.encode())

    async def page(request: Request) -> Response:
        offered = request.query_params.get("token")
        if offered is not None:
            if not hmac.compare_digest(offered.encode(), token.encode()):
                return _notice(
                    "Wrong token",
                    "This link's token is not this server's. Open the link that "
                    "`lionagi-playground serve` printed.",
                    401,
                )
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            response: Response = RedirectResponse(
                "/" + (f"?{urlencode(rest)}" if rest else ""), status_code=303
            )
            response.set_cookie(
                cookie,
                token,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path="/",
                max_age=30 * 24 * 3600,
            )
            response.headers.update(PAGE_HEADERS)
            return response
        invite = request.query_params.get("invite")
        if not has_token(request):
            if invite is None:
                return _notice(
                    "This playground needs its link",
                    "Open the link that `lionagi-playground serve` printed (it carries a "
                    "token), or an invitation link someone sent you.",
                    401,
                )
            await shared.collab.ready()
            assert shared.collab.invitations is not None
            if shared.collab.invitations.grant(invite) is None:
                return _notice(
                    "This invitation does not work",
                    "It was revoked, it expired, or the link is incomplete. Ask for a new one.",
                    403,
                )
        index = assets / "index.html"
        if not index.is_file():
            return _notice(
                "The page is not built",
                "Build it with `make run` (or `npm ci && npm run build` in clients/monaco).",
                503,
            )
        return FileResponse(index, headers=PAGE_HEADERS)

    async def lsp(websocket: WebSocket) -> None:
        await lsp_endpoint(websocket, shared, gate)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    return Starlette(
        routes=[
            Route("/", page),
            Route("/health", health),
            WebSocketRoute("/lsp", lsp),
            Mount("/assets", StaticFiles(directory=assets / "assets", check_dir=False)),
        ],
        middleware=[Middleware(GZipMiddleware, minimum_size=1024)],
    )

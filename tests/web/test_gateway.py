"""`lionagi-playground serve` over real HTTP and WebSocket: the token becomes a cookie and
leaves the address bar, the page's own origin is let in and others are not, invitations open
the page without the token, and a connection past its limits is closed alone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from tests.web.harness import Served, get, serve

TIMEOUT = 20.0


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    running = serve(tmp_path_factory.mktemp("web") / "data")
    yield running
    running.stop()


async def _request(websocket: ClientConnection, method: str, params: Any, id_: int = 1) -> Any:
    await websocket.send(
        json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params})
    )
    while True:
        message = json.loads(await asyncio.wait_for(websocket.recv(), TIMEOUT))
        if message.get("id") == id_:
            if "error" in message:
                raise AssertionError(message["error"])
            return message.get("result")


async def _initialized(url: str, **headers: str) -> ClientConnection:
    websocket = await connect(url, additional_headers=headers, origin=None)
    await _request(websocket, "initialize", {"capabilities": {}, "processId": None})
    await websocket.send(json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    return websocket


def test_the_token_becomes_an_http_only_cookie_and_leaves_the_address_bar(served: Served) -> None:
    status, headers, _ = get(f"{served.origin}/?token={served.token}")
    assert status == 303
    assert headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert cookie.startswith(served.cookie + ";")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert headers["referrer-policy"] == "no-referrer"


def test_other_query_parameters_survive_the_redirect(served: Served) -> None:
    status, headers, _ = get(f"{served.origin}/?token={served.token}&lesson=first-chat")
    assert (status, headers["location"]) == (303, "/?lesson=first-chat")


def test_without_the_token_the_page_says_what_to_open(served: Served) -> None:
    status, _, body = get(f"{served.origin}/")
    assert status == 401
    assert b"lionagi-playground serve" in body
    status, _, body = get(f"{served.origin}/?token=wrong")
    assert status == 401
    assert b"Wrong token" in body
    status, _, _ = get(f"{served.origin}/", cookie=f"{served.cookie}x")
    assert status == 401


def test_with_the_cookie_the_page_is_served_or_says_it_is_not_built(served: Served) -> None:
    status, headers, body = get(f"{served.origin}/", cookie=served.cookie)
    if status == 503:
        assert b"not built" in body
    else:
        assert status == 200
        assert b"<html" in body.lower()
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"


def test_health(served: Served) -> None:
    status, _, body = get(f"{served.origin}/health")
    assert status == 200
    assert json.loads(body)["status"] == "ok"


async def test_the_page_origin_with_the_cookie_gets_a_session(served: Served) -> None:
    websocket = await connect(
        served.ws, origin=Origin(served.origin), additional_headers={"Cookie": served.cookie}
    )
    answer = await _request(websocket, "initialize", {"capabilities": {}, "processId": None})
    assert "capabilities" in answer
    await websocket.close()


@pytest.mark.parametrize(
    ("origin", "cookie", "status"),
    [
        ("same", False, 401),  # the page's origin, but no cookie
        ("http://evil.example", True, 403),  # another site's page, with the user's cookie
        ("http://localhost:1", True, 403),  # another port on this machine is another origin
    ],
)
async def test_the_websocket_is_refused_without_the_cookie_or_from_another_origin(
    served: Served, origin: str, cookie: bool, status: int
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            served.ws,
            origin=Origin(served.origin if origin == "same" else origin),
            additional_headers={"Cookie": served.cookie} if cookie else {},
        )
    assert refused.value.response.status_code == status


async def test_a_dns_rebound_name_is_not_the_pages_origin(served: Served) -> None:
    """evil.example resolving to 127.0.0.1: its Origin matches its Host, and is refused."""
    host = f"evil.example:{served.port}"
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            f"ws://{host}/lsp",  # the Host header says evil.example ...
            host="127.0.0.1",  # ... and the connection goes to this machine
            port=served.port,
            origin=Origin(f"http://{host}"),
            additional_headers={"Cookie": served.cookie},
        )
    assert refused.value.response.status_code == 403


async def test_an_invitation_opens_the_page_and_reaches_only_its_playground(
    served: Served,
) -> None:
    owner = await _initialized(f"{served.ws}?token={served.token}")
    made = await _request(owner, "playground/create", {"title": "shared", "files": {"a.py": ""}}, 2)
    await _request(owner, "playground/create", {"title": "private", "files": {"b.py": ""}}, 3)
    invite = await _request(
        owner, "playground/invite", {"playground": made["playground"], "role": "view"}, 4
    )
    status, _, _ = get(f"{served.origin}/?invite={invite['invite']}")
    assert status in (200, 503)  # the page (or the note that it is not built), not a refusal
    status, _, body = get(f"{served.origin}/?invite={invite['invite']}x")
    assert status == 403
    assert b"invitation does not work" in body

    guest = await _initialized(f"{served.ws}?invite={invite['invite']}")
    reachable = await _request(guest, "playground/list", {}, 2)
    assert [p["title"] for p in reachable] == ["shared"]
    await guest.close()
    await owner.close()


async def test_a_flooding_connection_is_told_why_and_closed_and_another_keeps_working(
    served: Served,
) -> None:
    calm = await _initialized(f"{served.ws}?token={served.token}")
    flood = await _initialized(f"{served.ws}?token={served.token}")
    ping = json.dumps({"jsonrpc": "2.0", "method": "$/flood", "params": {}})
    told: list[str] = []

    async def flood_until_closed() -> None:
        for _ in range(5000):
            await flood.send(ping)
        async for frame in flood:  # read until the server closes
            message = json.loads(frame)
            if message.get("method") == "window/showMessage":
                told.append(message["params"]["message"])

    with pytest.raises(ConnectionClosed) as closed:
        await flood_until_closed()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008
    assert "messages per second" in closed.value.rcvd.reason
    assert any("messages per second" in m for m in told), told
    # The other connection never noticed.
    symbols = await _request(calm, "playground/list", {}, 9)
    assert isinstance(symbols, list)
    await calm.close()


async def test_a_message_over_the_size_limit_closes_that_connection_only(served: Served) -> None:
    calm = await _initialized(f"{served.ws}?token={served.token}")
    big = await connect(
        f"{served.ws}?token={served.token}", origin=None, max_size=None, compression=None
    )

    async def send_and_read() -> None:
        await big.send("x" * (17 * 1024 * 1024))
        await asyncio.wait_for(big.recv(), TIMEOUT)

    with pytest.raises(ConnectionClosed):
        await send_and_read()
    assert isinstance(await _request(calm, "playground/list", {}, 5), list)
    await calm.close()


def test_the_token_is_kept_across_restarts_so_an_open_page_keeps_working(tmp_path: Path) -> None:
    first = serve(tmp_path / "data")
    first.stop()
    second = serve(tmp_path / "data")
    try:
        assert second.token == first.token
        assert (tmp_path / "data" / "serve-token").stat().st_mode & 0o077 == 0
    finally:
        second.stop()

"""The clients' pooled transport sends what `requests.Session.request` sends, and fails alike.

A loopback listener records each request as it arrived (request line, headers, body); the same
call is sent once through the transport and once through requests, and the two must match.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
import requests
from requests.adapters import HTTPAdapter

from imports.clients.base import query_string
from imports.clients.transport import PooledTransport
from tests.loopback import LoopbackListener

TIMEOUT = (5.0, 5.0)


class Recorder(LoopbackListener):
    """Answers every request with JSON and keeps what it received."""

    protocol_version = "HTTP/1.1"

    def __init__(self) -> None:
        self.seen: list[tuple[str, list[tuple[str, str]], bytes]] = []
        self.peers: list[tuple[str, int]] = []  # the client's address of each request
        super().__init__()

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        self.seen.append((request.requestline, list(request.headers.items()), body))
        self.peers.append(request.client_address)
        if request.path.startswith("/cut"):
            # Promise more than is sent, then hang up: a body cut mid-way.
            request.send_response(200)
            request.send_header("Content-Length", "100")
            request.end_headers()
            request.wfile.write(b'{"partial":')
            request.wfile.flush()
            request.connection.shutdown(socket.SHUT_RDWR)
            request.close_connection = True
            return
        answer = b'{"ok":true}'
        request.send_response(429 if request.path.startswith("/limited") else 200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Retry-After", "3")
        request.send_header("Content-Length", str(len(answer)))
        request.end_headers()
        request.wfile.write(answer)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    listener = Recorder()
    yield listener
    listener.stop()


def _session() -> requests.Session:
    """Set up as `MarketplaceClient` sets up its session."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=2)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "SyncStore/1.0"
    session.proxies = {}
    session.trust_env = False
    return session


CALLS = [
    ("GET", "/api/v2/product/get_item_list", [("offset", "0"), ("q", "kaos polos ~ 100%")], None),
    ("POST", "/product/202502/products/search", [("page_size", "100")], b'{"status":"ALL"}'),
    ("POST", "/api/v2/auth/token/get", [], None),
    ("PUT", "/a path/with spaces", [("empty", ""), ("emoji", "baju 👕")], b"x" * 3000),
]


@pytest.mark.parametrize(("method", "path", "params", "body"), CALLS)
def test_a_call_arrives_as_requests_would_send_it(recorder, method, path, params, body):
    headers = {"Content-Type": "application/json", "x-tts-access-token": "token"}
    query = query_string(params)
    session = _session()
    reply = PooledTransport(session).send(
        method, recorder.url + path, query, body, headers, TIMEOUT
    )
    expected = session.request(
        method,
        recorder.url + path,
        params=query,
        data=body,
        headers=headers,
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    (pooled, plain) = recorder.seen
    assert pooled == plain
    assert (reply.status_code, reply.content) == (expected.status_code, expected.content)
    assert reply.headers.get("retry-after") == expected.headers.get("Retry-After") == "3"


def test_connections_are_kept_and_reused(recorder):
    transport = PooledTransport(_session())
    for _ in range(3):
        assert transport.send("GET", recorder.url + "/x", "", None, {}, TIMEOUT).status_code == 200
    assert len(recorder.peers) == 3
    assert len(set(recorder.peers)) == 1  # one connection, kept alive


def test_an_error_status_is_an_answer_not_an_exception(recorder):
    reply = PooledTransport(_session()).send(
        "GET", recorder.url + "/limited", "", None, {}, TIMEOUT
    )
    assert reply.status_code == 429
    assert reply.headers.get("Retry-After") == "3"


def test_a_refused_connection_fails_as_in_requests():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/x"
    with pytest.raises(requests.ConnectionError) as pooled:
        PooledTransport(_session()).send("GET", url, "", None, {}, TIMEOUT)
    with pytest.raises(requests.ConnectionError) as plain:
        _session().request("GET", url, timeout=TIMEOUT)
    assert type(pooled.value) is type(plain.value)
    # How the clients tell a refused connection (nothing sent) from a dropped one.
    assert "NewConnectionError" in repr(pooled.value)


def test_a_cut_body_fails_as_in_requests(recorder):
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as pooled:
        PooledTransport(_session()).send("GET", recorder.url + "/cut", "", None, {}, TIMEOUT)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        _session().get(recorder.url + "/cut", timeout=TIMEOUT).content  # noqa: B018
    assert "NewConnectionError" not in repr(pooled.value)


def test_a_proxy_for_the_host_sends_through_requests(recorder):
    """Proxies are left to requests: the request goes to the proxy, with the full URL."""
    session = _session()
    session.proxies = {"http": recorder.url}
    PooledTransport(session).send("GET", "http://marketplace.invalid/api", "a=1", None, {}, TIMEOUT)
    ((request_line, _headers, _body),) = recorder.seen
    assert request_line == "GET http://marketplace.invalid/api?a=1 HTTP/1.1"

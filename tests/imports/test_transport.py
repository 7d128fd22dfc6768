"""The clients' pooled transport sends what `requests.Session.request` sends, and fails alike.

A loopback listener records each request as it arrived (request line, headers, body); the same
call is sent once through the transport and once through requests, and the two must match.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from requests.adapters import HTTPAdapter

from imports.clients.base import query_string
from imports.clients.transport import PooledTransport

TIMEOUT = (5.0, 5.0)


class Recorder:
    """Answers every request with JSON and keeps what it received."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, list[tuple[str, str]], bytes]] = []
        self.peers: list[tuple[str, int]] = []  # the client's address of each request
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.seen.append((self.requestline, list(self.headers.items()), body))
                recorder.peers.append(self.client_address)
                if self.path.startswith("/cut"):
                    # Promise more than is sent, then hang up: a body cut mid-way.
                    self.send_response(200)
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    self.wfile.write(b'{"partial":')
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                answer = b'{"ok":true}'
                self.send_response(429 if self.path.startswith("/limited") else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Retry-After", "3")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


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

"""An HTTP listener of the test's own on a free loopback port, served from a thread.

Subclasses say how to answer (`answer`, given the request handler) and keep what they saw.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackListener:
    protocol_version = "HTTP/1.0"  # "HTTP/1.1" keeps connections alive

    def __init__(self) -> None:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = listener.protocol_version

            def _answer(self) -> None:
                listener.answer(self)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

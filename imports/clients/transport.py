"""One marketplace call sent through the session's urllib3 pool, without requests' per-call work.

TikTok fetches one product per call, so requests' per-call machinery (merging session and
environment settings, hooks, cookie jars, a Response with its own header dict) was the
largest piece of the importer's remaining CPU. The same pool, TLS settings, headers, timeouts
and exceptions are used as `Session.request` would: the pool and its TLS key are chosen by the
session's mounted `HTTPAdapter` (cached per origin), urllib3 errors become the requests
exceptions the adapter raises. A call that needs what this skips (a proxy, settings read from
the environment) goes through `Session.request` as before.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.exceptions import ChunkedEncodingError, ContentDecodingError, ReadTimeout
from requests.utils import requote_uri, select_proxy
from urllib3 import Timeout
from urllib3.exceptions import (
    ClosedPoolError,
    ConnectTimeoutError,
    DecodeError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.exceptions import HTTPError as Urllib3HTTPError
from urllib3.exceptions import ProxyError as Urllib3ProxyError
from urllib3.exceptions import SSLError as Urllib3SSLError

# Without a Content-Length requests sends "0" for these (as it does for any other method).
NO_BODY_METHODS = frozenset({"GET", "HEAD"})


class HttpReply:
    """What the clients read of an answer: its status, headers (case-insensitive) and body."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: Any, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class PooledTransport:
    """Sends calls as `session.request(..., allow_redirects=False)` does, more cheaply."""

    def __init__(self, session: requests.Session) -> None:
        self.session = session
        # origin -> (adapter, host_params, pool_kwargs): what the adapter keys its pools by.
        self._origins: dict[str, tuple[HTTPAdapter, dict[str, Any], dict[str, Any]]] = {}

    def send(
        self,
        method: str,
        url: str,
        query: str | bytes,
        data: bytes | None,
        headers: dict[str, str],
        timeout: tuple[float, float],
    ) -> HttpReply:
        session = self.session
        adapter = session.get_adapter(url)
        if (
            session.trust_env
            or session.auth is not None
            or session.cookies
            or any(session.hooks.values())
            or type(adapter) is not HTTPAdapter
            or (session.proxies and select_proxy(url, session.proxies))
        ):
            return self._send_with_requests(method, url, query, data, headers, timeout)
        parts = urlsplit(url)
        if parts.query or parts.fragment or not parts.hostname:
            return self._send_with_requests(method, url, query, data, headers, timeout)
        if isinstance(query, bytes):
            query = query.decode("utf-8")
        target = requote_uri(f"{parts.path or '/'}?{query}" if query else parts.path or "/")
        sent_headers = {**session.headers, **headers}
        if data is not None:
            sent_headers["Content-Length"] = str(len(data))
        elif method not in NO_BODY_METHODS:
            sent_headers["Content-Length"] = "0"
        pool = self._pool(adapter, url, parts.scheme, parts.netloc)
        try:
            answer = pool.urlopen(
                method=method,
                url=target,
                body=data,
                headers=sent_headers,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
                retries=adapter.max_retries,
                timeout=Timeout(connect=timeout[0], read=timeout[1]),
                chunked=False,
            )
        except (ProtocolError, OSError) as err:
            raise requests.ConnectionError(err) from err
        except MaxRetryError as err:
            reason = err.reason
            if isinstance(reason, ConnectTimeoutError) and not isinstance(
                reason, NewConnectionError
            ):
                raise requests.ConnectTimeout(err) from err
            if isinstance(reason, ResponseError):
                raise requests.exceptions.RetryError(err) from err
            if isinstance(reason, Urllib3ProxyError):
                raise requests.exceptions.ProxyError(err) from err
            if isinstance(reason, Urllib3SSLError):
                raise requests.exceptions.SSLError(err) from err
            raise requests.ConnectionError(err) from err
        except ClosedPoolError as err:
            raise requests.ConnectionError(err) from err
        except Urllib3SSLError as err:
            raise requests.exceptions.SSLError(err) from err
        except ReadTimeoutError as err:
            raise ReadTimeout(err) from err
        except Urllib3HTTPError as err:
            if type(err).__name__ == "InvalidHeader":
                raise requests.exceptions.InvalidHeader(err) from err
            raise
        # Read as `Response.content` does, with the same exceptions.
        try:
            body = answer.read(decode_content=True)
        except ProtocolError as err:
            raise ChunkedEncodingError(err) from err
        except DecodeError as err:
            raise ContentDecodingError(err) from err
        except ReadTimeoutError as err:
            raise requests.ConnectionError(err) from err
        except Urllib3SSLError as err:
            raise requests.exceptions.SSLError(err) from err
        return HttpReply(answer.status, answer.headers, body)

    def _pool(self, adapter: HTTPAdapter, url: str, scheme: str, netloc: str) -> Any:
        origin = f"{scheme}://{netloc}".lower()
        known = self._origins.get(origin)
        if known is None or known[0] is not adapter:
            probe = requests.Request("GET", origin + "/").prepare()
            host_params, pool_kwargs = adapter.build_connection_pool_key_attributes(
                probe, self.session.verify, self.session.cert
            )
            known = self._origins[origin] = (adapter, host_params, pool_kwargs)
        # Asked of the pool manager every call: it may have closed a pool it no longer keeps.
        pool = adapter.poolmanager.connection_from_host(**known[1], pool_kwargs=known[2])
        adapter.cert_verify(pool, url, self.session.verify, self.session.cert)
        return pool

    def _send_with_requests(
        self,
        method: str,
        url: str,
        query: str | bytes,
        data: bytes | None,
        headers: dict[str, str],
        timeout: tuple[float, float],
    ) -> HttpReply:
        response = self.session.request(
            method,
            url,
            params=query,
            data=data,
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
        )
        return HttpReply(response.status_code, response.headers, response.content)

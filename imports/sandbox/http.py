"""The sandbox's request and response values, independent of the HTTP server."""

from __future__ import annotations

import html
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson


@dataclass
class SandboxRequest:
    method: str
    path: str  # the platform path, without the sandbox mount prefix
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    base_url: str = ""  # how the caller reached this sandbox, e.g. http://127.0.0.1:8765

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def single_query(self) -> dict[str, str]:
        return {name: values[0] for name, values in self.query.items() if values}

    def json_body(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else {}

    def form(self) -> dict[str, str]:
        from urllib.parse import parse_qs

        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8")).items()}


@dataclass
class SandboxResponse:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    endpoint: str = ""  # what the call counters record

    @classmethod
    def json(cls, status: int, data: Any, **headers: str) -> SandboxResponse:
        return cls(status, json_body(data), headers=dict(headers))

    @classmethod
    def html(cls, status: int, title: str, body_html: str) -> SandboxResponse:
        page = (
            "<!doctype html><html lang='id'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
            "max-width:34rem;margin:3rem auto;padding:0 1rem}}button{{padding:.6rem 1.4rem;"
            "font-size:1rem}}input{{padding:.4rem;font-size:1rem}}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body_html}</body></html>"
        )
        return cls(status, page.encode(), content_type="text/html; charset=utf-8")

    @classmethod
    def redirect(cls, location: str) -> SandboxResponse:
        return cls(302, b"", content_type="text/plain", headers={"Location": location})


def json_body(data: Any) -> bytes:
    """Compact UTF-8 JSON, by orjson (several times faster); what it refuses (integers beyond
    64 bits) by json.dumps. The catalog holds no NaN (orjson would write null, json NaN)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def request_id() -> str:
    return secrets.token_hex(16)


def add_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))

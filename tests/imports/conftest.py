"""Sandbox marketplaces started in the test process on a free loopback port."""

from __future__ import annotations

import pytest

from imports.sandbox.server import MarketplaceSandbox


@pytest.fixture
def make_sandbox():
    started: list[MarketplaceSandbox] = []

    def start(**options) -> MarketplaceSandbox:
        options.setdefault("products", 300)
        sandbox = MarketplaceSandbox(**options).start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()

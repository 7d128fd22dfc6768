"""`manage.py marketplace_sandbox` serves both platforms and prints usable credentials."""

import json
import socket
import subprocess
import sys

from config.settings import BASE_DIR
from tests.imports.sandbox.conftest import ShopeeCaller, TikTokCaller


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Remote:
    """What the callers need from a sandbox, read from the command's output."""

    def __init__(self, printed: dict) -> None:
        self.printed = printed

    def credentials(self):
        return self.printed


def test_command_runs_the_sandbox_and_prints_credentials():
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "marketplace_sandbox",
            "--port",
            str(port),
            "--products",
            "120",
            "--seed",
            "5",
            "--json",
        ],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        printed = json.loads(process.stdout.readline())
        assert printed["base_url"] == f"http://127.0.0.1:{port}"
        shopee = ShopeeCaller(_Remote(printed))
        listed = shopee.shop(
            "/api/v2/product/get_item_list",
            offset=0,
            page_size=1,
            item_status=[
                "NORMAL",
                "UNLIST",
                "BANNED",
                "REVIEWING",
                "SELLER_DELETE",
                "SHOPEE_DELETE",
            ],
        ).json()
        assert listed["response"]["total_count"] == 120
        tiktok = TikTokCaller(_Remote(printed))
        assert tiktok.search(page_size="1").json()["data"]["total_count"] == 120
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_command_rejects_bad_options():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "marketplace_sandbox",
            "--products",
            "0",
            "--port",
            str(_free_port()),
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "products must be between 1 and 1,000,000" in result.stderr

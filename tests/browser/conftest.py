"""A real Chromium (Debian's, else Playwright's own) driving the admin on a live server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import BASE_DIR
from tests.subprocesses import start_worker, stop_process_group

SCREENSHOTS = Path(BASE_DIR) / "test-artifacts" / "screenshots"
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's


def chromium_executable() -> str | None:
    candidates = (
        os.environ.get("SYNCSTORE_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    )
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the
    # tests make around the browser are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    executable = chromium_executable()
    if executable is None:  # a machine without Chromium: fetch Playwright's build once
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def make_page(browser, live_server, request):
    """Open browser pages on the live server; each one's screenshot is saved if the test fails."""
    contexts = []

    def open_page(locale: str = "en-US"):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": 1400, "height": 1000}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, context in enumerate(contexts):
            for index, page in enumerate(context.pages):
                path = SCREENSHOTS / f"{request.node.name}-{number}-{index}.png"
                page.screenshot(path=str(path), full_page=True)
                print(f"screenshot: {path}")
    for context in contexts:
        context.close()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def select_and_run(page, checkbox_values, action_label: str) -> None:
    """Tick rows of an admin list and run one of its actions."""
    for value in checkbox_values:
        page.check(f"input[name=_selected_action][value='{value}']")
    page.select_option("select[name=action]", label=action_label)
    page.click("button[name=index]")


@pytest.fixture
def owner_page(make_page, owner):
    page = make_page()
    log_in(page, owner.username)
    return page


@pytest.fixture
def worker(live_server):
    """A django-q2 worker process on the test database."""
    process = start_worker()
    yield process
    stop_process_group(process)

"""Browser tests: Debian's Chromium driven by Playwright against a real server.

Playwright never downloads a browser here: it launches /usr/bin/chromium
(`.ci/run` installs it with apt-get when missing). Screenshots go to the
folder printed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.workshops.live import running_server, server_config

CHROMIUM = os.environ.get("AGORA_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get(
        "AGORA_SCREENSHOTS", Path(__file__).resolve().parents[2] / "screenshots"
    )
)


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists():
        terminalreporter.write_line(f"Browser screenshots: {SCREENSHOTS}")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def live_server(app, app_config):
    """The application served by its own process, sharing the test's database.

    A module's `app_config` overrides reach the server too (JSON values only).
    """
    with running_server(server_config(app, **app_config)) as url:
        yield url


@pytest.fixture
def screenshot_folder(request) -> Path:
    """SCREENSHOTS/<test name>, emptied of an earlier run's pictures."""
    folder = SCREENSHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    return folder


@pytest.fixture
def screenshot(screenshot_folder):
    """Save a screenshot of a page under SCREENSHOTS/<test name>/<name>.png."""

    def take(page, name: str) -> Path:
        screenshot_folder.mkdir(parents=True, exist_ok=True)
        path = screenshot_folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def new_context(chromium, request, screenshot_folder):
    """Open browser contexts (each with its own cookies), closed after the test.

    When the test fails, each open page is saved as failed-<n>.png beside the
    test's screenshots.
    """
    opened = []

    def open_context(**options):
        context = chromium.new_context(**options)
        # A journey waits for pages of a local server: fail fast, not in 30 s.
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield open_context
    try:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            _save_open_pages(opened, screenshot_folder)
    finally:
        for context in opened:
            context.close()


def _save_open_pages(contexts, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        page.screenshot(path=str(folder / f"failed-{number}.png"), full_page=True)


def log_in(context, base_url: str, email: str, password: str = DEFAULT_PASSWORD):
    """Log a browser context in through the real login page; return its page."""
    page = context.new_page()
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return page

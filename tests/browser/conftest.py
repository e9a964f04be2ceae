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
from tests.workshops.live import running_server

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


@pytest.fixture
def live_server(app):
    """The application served by its own process, sharing the test's database."""
    config = {
        key: app.config[key]
        for key in (
            "SECRET_KEY",
            "SQLALCHEMY_DATABASE_URI",
            "SEARCH_INDEX_DIR",
            "MAIL_OUTBOX_DIR",
        )
    }
    config.update(CONFIG_NAME="testing", INSTANCE_PATH=app.instance_path)
    with running_server(config) as url:
        yield url


@pytest.fixture
def screenshot(request):
    """Save a screenshot of a page under SCREENSHOTS/<test name>/<name>.png."""
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(context, base_url: str, email: str, password: str = DEFAULT_PASSWORD):
    """Log a browser context in through the real login page; return its page."""
    page = context.new_page()
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return page

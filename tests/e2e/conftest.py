"""Fixtures of the browser test: the scripts/develop stack and a headless Chromium.

Run it as scripts/test does (outside Home Assistant's test harness, whose socket and
thread guards are for in-process tests; this test drives separate processes)::

    .venv/bin/python -m pytest tests/e2e -m e2e -p no:homeassistant --confcutdir=tests/e2e

Chromium is Debian's (apt ``chromium``), driven by Playwright's Python package; no browser
is ever downloaded. It resolves no host name but 127.0.0.1 and every request to another
address is aborted, so the run sends nothing beyond loopback. Screenshots land in
``.e2e/screenshots/`` (ignored by git).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import os
from pathlib import Path
import shutil
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
E2E = ROOT / ".e2e"
SCREENSHOTS = E2E / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    # No name resolves but 127.0.0.1: nothing can leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

sys.path.insert(0, str(ROOT / "scripts"))
from ha_stack import Running, Stack, free_port  # noqa: E402


def chromium_executable() -> str:
    """Debian's chromium binary (not the /usr/bin wrapper, which adds extension flags)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/lib/chromium/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    if found := shutil.which("chromium"):
        return found
    pytest.fail("chromium is missing: run scripts/setup-e2e (apt-get install chromium)")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Inside Home Assistant's test harness (the normal run) these tests are not collected."""
    if config.pluginmanager.has_plugin("homeassistant") and collection_path.name.startswith(
        "test_"
    ):
        return True
    return None


@pytest.fixture(scope="session", autouse=True)
def outside_the_harness(request: pytest.FixtureRequest) -> None:
    """Refuse to run inside Home Assistant's in-process test harness."""
    if request.config.pluginmanager.has_plugin("homeassistant"):
        pytest.fail(
            "run the browser test with -p no:homeassistant --confcutdir=tests/e2e "
            "(see tests/e2e/conftest.py)"
        )


@pytest.fixture(scope="session")
def stack() -> Iterator[tuple[Stack, Running]]:
    """The scripts/develop stack (a Pro, an Aura and a bare outlet) in a fresh .e2e/ha-config.

    The simulators push sensors only when told (sensor interval 0), so a value set by a
    test stays what the page must show.
    """
    stack = Stack(
        E2E / "ha-config",
        ha_port=free_port(),
        variants=("pro", "aura", "bare"),
        sim_port=0,
        sensor_interval=0,
        fresh=True,
    )
    running = stack.start()
    try:
        yield stack, running
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Headless Chromium with a fresh profile; requests beyond 127.0.0.1 are aborted."""
    from playwright.sync_api import Route, expect, sync_playwright  # noqa: PLC0415

    def loopback_only(route: Route) -> None:
        if route.request.url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:")):
            route.continue_()
        else:  # e.g. the frontend's brand icons on a public server
            route.abort()

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=chromium_executable(),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 1500},
        )
        context.set_default_timeout(20_000)
        expect.set_options(timeout=20_000)  # a loaded 2-core machine can be slow
        context.route("**/*", loopback_only)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def page(stack: tuple[Stack, Running], browser: BrowserContext) -> Page:
    """A page logged in as the stack's user, through Home Assistant's login form."""
    _, running = stack
    page = browser.new_page()
    page.goto(running.base)
    page.locator('input[autocomplete="username"]').fill(running.username)
    page.locator('input[autocomplete="current-password"]').fill(running.password)
    # Kept in the browser's storage, so opening a page by its address needs no new login.
    page.get_by_role("checkbox", name="Keep me logged in").check()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/" not in url and url.startswith(running.base))
    page.wait_for_function("document.querySelector('home-assistant')?.hass?.connected === true")
    return page


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Page, str], Path]:
    """Save a full-page screenshot as .e2e/screenshots/<name>.png."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take

"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live server."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("PLM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOT_DIR = os.environ.get("PLM_SCREENSHOT_DIR")  # set it to keep screenshots for a look by eye


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the run (the sync API allows only one per thread)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser):
    """new_page(width=360) opens a page at a phone's width; all external requests are recorded."""
    contexts = []
    csp_violations: list[str] = []

    def factory(width: int = 360, height: int = 740, locale: str = "id-ID", **kwargs):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, **kwargs)
        contexts.append(context)
        page = context.new_page()
        page.external_requests = []
        page.console_errors = []
        page.on("console", lambda message: csp_violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.on("request", lambda request: page.external_requests.append(request.url)
                if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
        page.on("console", lambda message: page.console_errors.append(message.text)
                if message.type == "error" else None)
        return page

    yield factory
    for context in contexts:
        context.close()
    # Every page a browser test opens runs under the app's CSP (no inline scripts): any violation fails.
    assert csp_violations == [], csp_violations


@pytest.fixture
def door_clock(request, monkeypatch):
    """The door page's server clock on the event's first day (door tests use it for every test)."""
    from tests.helpers import set_door_clock

    if "event" in request.fixturenames:
        set_door_clock(monkeypatch, request.getfixturevalue("event"))


def screenshot(page, name: str) -> None:
    if SCREENSHOT_DIR:
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOT_DIR, f"{name}.png"), full_page=True)


def has_horizontal_overflow(page) -> bool:
    """Measured once the page has loaded: a click that navigates may still be committing."""
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement !== null && document.body !== null")
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


FAKE_CAMERA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def write_y4m(path, gray_image, width: int = 640, height: int = 480, frames: int = 10) -> None:
    """A raw 4:2:0 Y4M video showing a greyscale Pillow image centred on white (Chromium's fake camera)."""
    from PIL import Image

    canvas = Image.new("L", (width, height), 255)
    canvas.paste(gray_image, ((width - gray_image.width) // 2, (height - gray_image.height) // 2))
    y_plane = canvas.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + y_plane + chroma + chroma)


@pytest.fixture
def camera_page(tmp_path, playwright_driver):
    """camera_page(qr_text, width=360) -> a page in a Chromium whose camera films that QR code."""
    from io import BytesIO

    from PIL import Image

    from plm.qr import QUIET_ZONE, qr_matrix, qr_png

    state = {}

    def factory(qr_text: str, width: int = 360, height: int = 740):
        modules = len(qr_matrix(qr_text)) + 2 * QUIET_ZONE
        box = max(2, 150 // modules)  # the symbol, quiet zone included, stays within the centre third
        image = Image.open(BytesIO(qr_png(qr_text, box_size=box))).convert("L")
        video = tmp_path / "ticket.y4m"
        write_y4m(video, image)
        state["browser"] = playwright_driver.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS + FAKE_CAMERA_ARGS + [f"--use-file-for-fake-video-capture={video}"])
        context = state["browser"].new_context(viewport={"width": width, "height": height}, locale="id-ID")
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
        return page

    yield factory
    if "browser" in state:
        state["browser"].close()

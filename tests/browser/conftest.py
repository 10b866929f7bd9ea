"""Shared fixtures for the browser tests: the app behind a real HTTP server, one
headless Chromium (Debian's) per module, a fresh phone-sized page per test, a worker
for background jobs, and screenshots into test-artifacts/ (git-ignored).

- ``live_server`` (tests/conftest.py): base URL of the test's ``app`` served by werkzeug;
- ``browser_page``: a 375×812 page (Chinese locale); ``new_page(user_agent=...)`` for
  more (e.g. a WeChat user agent); every page records JavaScript dialogs and console
  errors in ``page.dialogs`` / ``page.console_errors`` (tests assert on them);
- ``rq_worker``: runs queued jobs in a background thread inside the app context;
- ``screenshot(page, name)``: a full-page PNG at test-artifacts/<name>.png.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="module")
def chromium():
    """One Chromium per test module (a module that drives Playwright itself, e.g. with
    its own ``sync_playwright()``, then never meets a running Playwright loop)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _watch(page) -> None:
    page.dialogs = []
    page.console_errors = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))


@pytest.fixture
def new_page(chromium):
    """Open phone-sized pages in fresh contexts (own cookies); closed after the test."""
    contexts = []

    def _new_page(user_agent: str | None = None, **options):
        context = chromium.new_context(**{**PHONE, **options}, **({"user_agent": user_agent} if user_agent else {}))
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        _watch(page)
        return page

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_page):
    return new_page()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot


@pytest.fixture
def rq_worker(app):
    """A background worker: runs whatever lands on the app's queue, in the app context.

    (rq's own ``Worker.work`` installs signal handlers, which only the main thread may.)
    """
    from rq.job import JobStatus
    from rq.queue import Queue

    stop = threading.Event()
    errors: list[BaseException] = []

    def loop():
        from liaison.core.extensions import get_queue

        with app.app_context():
            queue = get_queue()
            while not stop.is_set():
                found = Queue.dequeue_any([queue], timeout=None, connection=queue.connection)
                if found is None:
                    stop.wait(0.2)
                    continue
                job, _ = found
                try:
                    job.perform()
                    job.set_status(JobStatus.FINISHED)
                except BaseException as exc:  # noqa: BLE001  (reported by the test)
                    job.set_status(JobStatus.FAILED)
                    errors.append(exc)

    thread = threading.Thread(target=loop, name="rq-worker", daemon=True)
    thread.start()
    yield errors
    stop.set()
    thread.join(30)

"""A live server over the real data and Debian's Chromium, driven by Playwright.

Never a browser download: Playwright launches /usr/bin/chromium (apt package `chromium`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bot.commands.run import QuietRequestHandler
from bot.service import Service
from bot.settings import Settings
from bot.web import create_web_app
from index.engine import Index

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "var" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MISSING = (
    f"{CHROMIUM} がありません。ブラウザのテストには Debian の Chromium と日本語フォントが必要です: "
    "apt-get install chromium fonts-ipafont-gothic"
)


@pytest.fixture(scope="session")
def live_url(index: Index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(
        data_dir=ROOT / "data", db_path=tmp_path_factory.mktemp("browser") / "soudan.db"
    )
    app = create_web_app(settings, Service(settings, index))
    # Port 0: a free port. The quiet handler keeps questions out of the test's log output.
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        # A fail, not a skip: a missing browser must not pass as green, in CI or here.
        where = "CI で" if os.environ.get("CI") else "この環境で"
        pytest.fail(f"{where}{MISSING}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

"""Starting our servers as separate processes, as make run and the Procfile do."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The process environment without any of our variables, plus ``extra``."""
    ours = {f.name.upper() for f in Settings.__dataclass_fields__.values()}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env.update({"DATA_DIR": str(ROOT / "data"), "PYTHONPATH": str(ROOT), **extra})
    return env


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err


def send_slash_command(base_url: str, fake, text: str):
    """POST a signed /soudan to a running server; return the answer the fake Slack got."""
    from urllib.parse import urlencode

    from tests.fakes.fake_slack import signed_headers

    body = urlencode(
        {
            "command": "/soudan",
            "text": text,
            "user_id": "U1",
            "channel_id": "C1",
            "team_id": "T0000001",
            "response_url": fake.response_url(),
        }
    )
    request = urllib.request.Request(
        f"{base_url}/slack/events",
        data=body.encode(),
        method="POST",
        headers=signed_headers(body, content_type="application/x-www-form-urlencoded"),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    [reply] = fake.wait_for("response_url", timeout=20)
    return reply

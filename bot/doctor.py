"""soudan doctor's checks: what an operator needs to know when the bot misbehaves.

Each check gives one ``Check``: passed or not, what was found, and for a failure the fix in
one line. Nothing here raises for a network or disk problem (that is what is being looked
for): it becomes a failed check with the reason. Tokens are never part of any text.

The Slack checks call two Web API methods with a short timeout and nothing else:
``auth.test`` with the bot token (is it valid, and its ``X-OAuth-Scopes`` header: the
scopes it was granted) and ``apps.connections.open`` with the app-level token (Socket Mode
would be let in; the WebSocket URL it returns is not connected to). The ``Date`` header of
those answers tells how far this machine's clock is from Slack's.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import sqlite3
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from bot.settings import DEFAULT_PUBLIC_BASE_URL, ROOT, Settings, SettingsError
from index.load import check as check_data

MANIFEST = ROOT / "slack" / "manifest.yml"
# Long enough for a slow proxy, short enough that a dead network is reported in seconds.
TIMEOUT_S = 5.0
# Slack refuses a request signed more than five minutes ago; a minute leaves a margin for
# the time a request takes and for the clock to drift until the next sync.
CLOCK_LIMIT_S = 60
LOOPBACK_HOSTS = frozenset({"localhost", "0.0.0.0", "::1", "::"})


@dataclass(frozen=True, slots=True)
class Check:
    label: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer: status, headers and the JSON body (None if not JSON)."""

    status: int
    headers: Message
    body: dict | None
    received: float  # this machine's time (epoch seconds) half-way through the call


class Unreachable(Exception):
    """No HTTP answer at all; the message says why, in Japanese."""


def mask_token(token: str) -> str:
    """The kind of token and its last four characters: enough to tell two tokens apart."""
    prefix = token.split("-", 1)[0] + "-"
    return f"{prefix}…{token[-4:]}" if len(token) > len(prefix) + 8 else f"{prefix}…"


# ------------------------------------------------------------------ the checklist


def run_checks() -> list[Check]:
    """Every check in the order an operator fixes things: settings first."""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        # Nothing else can be judged on settings that do not load.
        return [Check("設定", False, "環境変数を読み込めません", str(error))]
    checks = [settings_check(settings), data_check(settings), database_check(settings)]
    if settings.slack_mode is not None:
        checks.extend(slack_checks(settings))
    checks.extend(public_url_checks(settings))
    return checks


def settings_check(settings: Settings) -> Check:
    bot = mask_token(settings.slack_bot_token or "")
    if settings.slack_mode == "socket":
        app = mask_token(settings.slack_app_token or "")
        return Check(
            "設定", True, f"ソケットモード（SLACK_BOT_TOKEN {bot}、SLACK_APP_TOKEN {app}）"
        )
    if settings.slack_mode == "http":
        return Check(
            "設定", True, f"HTTP モード（SLACK_BOT_TOKEN {bot}、SLACK_SIGNING_SECRET あり）"
        )
    return Check(
        "設定",
        True,
        "Slack のトークンがないため、ページだけを表示します（Slack の確認は行いません）",
    )


def data_check(settings: Settings) -> Check:
    try:
        result = check_data(settings.data_dir)
    except OSError as error:
        return Check(
            "データ",
            False,
            f"{settings.data_dir} を読めません（{_os_reason(error)}）",
            "DATA_DIR（空ならリポジトリの data/）のフォルダとパーミッションを確かめてください。",
        )
    if result.data is None:
        count = len(result.problems)
        first = result.problems[0] if result.problems else ""
        return Check(
            "データ",
            False,
            f"{count}件の問題があります（1件目: {first}）",
            "soudan data check ですべての問題を表示し、CSV を直してください。",
        )
    return Check("データ", True, f"検査に通りました（データ版 {result.data.version.label}）")


def database_check(settings: Settings) -> Check:
    path = settings.db_path
    fix = (
        "DB_PATH（空なら var/soudan.db）のフォルダとファイルを、"
        "相談ナビを動かすユーザーが書けるようにしてください。"
    )
    try:
        detail = _probe_database(path)
    except (sqlite3.Error, OSError) as error:
        reason = _os_reason(error) if isinstance(error, OSError) else str(error)
        return Check("利用記録", False, f"{path} に書き込めません（{reason}）", fix)
    return Check("利用記録", True, detail)


def _probe_database(path: Path) -> str:
    """Whether the usage log can be written, changing nothing: an existing file takes a
    write lock in a transaction that is rolled back; a missing one is not created (doctor
    may run as another user than the bot, and a file it made would belong to that user),
    only the folder it would go in is looked at."""
    if not path.exists():
        parent = path.parent
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            raise OSError(f"{parent} はフォルダではありません")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OSError(f"{parent} に書き込む権限がありません")
        return f"{path} はまだありません。初めての回答のときに作られます"
    if path.is_dir():
        raise OSError(f"{path} はフォルダです")
    # mode=rw: never create a database here by mistake.
    uri = f"file:{path.resolve()}?mode=rw"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=2.0)) as conn:
        conn.isolation_level = None
        conn.execute("BEGIN IMMEDIATE")  # the write lock: fails on a read-only file
        try:
            conn.execute("CREATE TABLE soudan_doctor_probe (x INTEGER)")
        finally:
            conn.execute("ROLLBACK")
    return f"{path} に書き込めます"


# ------------------------------------------------------------------ Slack


def slack_checks(settings: Settings) -> list[Check]:
    checks: list[Check] = []
    replies: list[Reply] = []
    api = settings.slack_api_url
    network_fix = (
        f"このマシンから {_host(api)} に接続できるか（プロキシ・ファイアウォール）を"
        "確かめてください。"
    )

    try:
        auth = slack_call(api, "auth.test", settings.slack_bot_token or "")
        replies.append(auth)
    except Unreachable as error:
        checks.append(
            Check("ボットのトークン", False, f"Slack に接続できません（{error}）", network_fix)
        )
    else:
        checks.extend(_bot_token_checks(auth))

    if settings.slack_mode == "socket":
        try:
            opened = slack_call(api, "apps.connections.open", settings.slack_app_token or "")
            replies.append(opened)
        except Unreachable as error:
            checks.append(
                Check("App-Level Token", False, f"Slack に接続できません（{error}）", network_fix)
            )
        else:
            checks.append(_app_token_check(opened))

    if replies:
        checks.append(clock_check(replies[0]))
    return checks


def _bot_token_checks(reply: Reply) -> list[Check]:
    body = reply.body or {}
    if not body.get("ok"):
        error = body.get("error") or _http_reason(reply)
        return [
            Check(
                "ボットのトークン",
                False,
                f"Slack に断られました（{error}）",
                "「OAuth & Permissions」の Bot User OAuth Token（xoxb-…）を SLACK_BOT_TOKEN に"
                "書き直してください。",
            )
        ]
    team = body.get("team") or body.get("team_id") or "?"
    checks = [Check("ボットのトークン", True, f"有効です（ワークスペース: {team}）")]
    checks.append(scope_check(reply.headers.get("X-OAuth-Scopes")))
    return checks


def scope_check(header: str | None, manifest: Path = MANIFEST) -> Check:
    try:
        wanted = manifest_bot_scopes(manifest)
    except OSError as error:
        return Check(
            "ボットの権限",
            False,
            f"{manifest.name} を読めません（{_os_reason(error)}）",
            "リポジトリの slack/manifest.yml があるフォルダで実行してください。",
        )
    if header is None:
        return Check(
            "ボットの権限",
            False,
            "Slack の答えに権限の一覧（X-OAuth-Scopes）がありません",
            "プロキシがヘッダーを消していないか確かめてください。",
        )
    granted = {scope.strip() for scope in header.split(",") if scope.strip()}
    missing = [scope for scope in wanted if scope not in granted]
    if missing:
        return Check(
            "ボットの権限",
            False,
            f"足りない権限があります: {', '.join(missing)}",
            "アプリ設定に slack/manifest.yml を反映し、「Install App」から再インストールしてください。",
        )
    return Check("ボットの権限", True, f"マニフェストの {len(wanted)} 個がそろっています")


def _app_token_check(reply: Reply) -> Check:
    body = reply.body or {}
    if body.get("ok") and str(body.get("url", "")).startswith("wss://"):
        return Check("App-Level Token", True, "ソケットモードで接続できます")
    error = body.get("error") or _http_reason(reply)
    return Check(
        "App-Level Token",
        False,
        f"ソケットモードの接続を断られました（{error}）",
        "connections:write 付きの App-Level Token を SLACK_APP_TOKEN に書き、"
        "Socket Mode をオンにしてください。",
    )


def clock_check(reply: Reply) -> Check:
    date = reply.headers.get("Date")
    try:
        slack_time = parsedate_to_datetime(date).timestamp() if date else None
    except (TypeError, ValueError):
        slack_time = None
    if slack_time is None:
        return Check(
            "時計",
            False,
            "Slack の答えに時刻（Date）がありません",
            "プロキシがヘッダーを消していないか確かめてください。",
        )
    # Date has whole seconds: a skew under one second is noise.
    skew = int(round(reply.received - slack_time))
    if abs(skew) <= CLOCK_LIMIT_S:
        return Check("時計", True, f"Slack との差は {abs(skew)} 秒です")
    direction = "進んで" if skew > 0 else "遅れて"
    return Check(
        "時計",
        False,
        f"このマシンの時計が Slack より {abs(skew)} 秒{direction}います",
        "時刻同期（NTP）を有効にしてください（timedatectl set-ntp true）。"
        "Slack の署名は 5 分で期限切れになります。",
    )


def slack_call(api_url: str, method: str, token: str, timeout: float = TIMEOUT_S) -> Reply:
    """POST one Web API method, the token in the Authorization header (apps.connections.open
    takes it nowhere else)."""
    request = urllib.request.Request(
        api_url + method,
        data=b"",
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    return _fetch(request, timeout)


# ------------------------------------------------------------------ the public URL


def public_url_checks(settings: Settings) -> list[Check]:
    url = settings.public_base_url
    checks = []
    if settings.slack_mode is not None and _is_loopback(url):
        checks.append(
            Check(
                "公開 URL",
                False,
                f"PUBLIC_BASE_URL が {url} のため、ほかの PC では回答のリンクを開けません",
                "PUBLIC_BASE_URL にほかの PC から開ける URL を、HOST に 0.0.0.0 を書いてください。",
            )
        )
    # Unset, it is the local default, which answers only while `soudan run` is up here.
    if url != DEFAULT_PUBLIC_BASE_URL:
        checks.append(healthz_check(url))
    return checks


def healthz_check(base_url: str, timeout: float = TIMEOUT_S) -> Check:
    target = f"{base_url}/healthz"
    fix = "相談ナビが動いているか（systemctl status soudan）と、URL・ポート・ファイアウォールを確かめてください。"
    try:
        reply = _fetch(urllib.request.Request(target, method="GET"), timeout)
    except Unreachable as error:
        return Check("公開 URL の応答", False, f"{target} が応答しません（{error}）", fix)
    if reply.status == 200 and (reply.body or {}).get("status") == "ok":
        return Check("公開 URL の応答", True, f"{target} が応答しました")
    return Check(
        "公開 URL の応答",
        False,
        f"{target} が相談ナビの応答を返しません（{_http_reason(reply)}）",
        fix,
    )


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


# ------------------------------------------------------------------ HTTP


def _fetch(request: urllib.request.Request, timeout: float) -> Reply:
    started = time.time()
    # A new opener each time: urlopen's shared one keeps the proxy settings it first saw.
    opener = urllib.request.build_opener()
    try:
        with opener.open(request, timeout=timeout) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        # Slack answers 429/5xx with headers worth reading; so do our own error pages.
        status, headers = error.code, error.headers
        raw = _read_quietly(error.read)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        # Whatever stops an answer arriving (a refused port, a bad status line, a bad URL)
        # is what this check reports, not a reason to stop the checklist.
        raise Unreachable(_network_reason(error, timeout)) from None
    received = (started + time.time()) / 2
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        body = None
    return Reply(status, headers, body if isinstance(body, dict) else None, received)


def _read_quietly(read: Callable[[], bytes]) -> bytes:
    try:
        return read()
    except OSError:
        return b""


def _network_reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    if isinstance(error, TimeoutError | socket.timeout):
        return f"{timeout:g} 秒待っても応答がありません"
    if isinstance(error, socket.gaierror):
        return "ホスト名を解決できません"
    if isinstance(error, ConnectionRefusedError):
        return "接続を拒否されました"
    if isinstance(error, http.client.RemoteDisconnected):
        return "答えの前に接続を切られました"
    if isinstance(error, http.client.HTTPException):
        return "HTTP ではない答えが返りました"
    if isinstance(error, ssl.SSLError):
        return "TLS（https）の確認に失敗しました"
    if isinstance(error, OSError):
        return _os_reason(error)
    return type(error).__name__


def _os_reason(error: OSError) -> str:
    return error.strerror or (str(error.args[0]) if error.args else type(error).__name__)


def _http_reason(reply: Reply) -> str:
    return f"HTTP {reply.status}"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# ------------------------------------------------------------------ the manifest


def manifest_bot_scopes(path: Path = MANIFEST) -> tuple[str, ...]:
    """``oauth_config.scopes.bot`` of the Slack app manifest.

    Read by indentation rather than with a YAML library the bot does not otherwise need:
    the manifest is ours and keeps that list as plain ``- scope  # comment`` items.
    """
    wanted = ("oauth_config", "scopes", "bot")
    stack: list[tuple[int, str]] = []
    scopes: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        text = line.strip()
        if text.startswith("- "):
            while stack and stack[-1][0] > indent:
                stack.pop()
            if tuple(key for _, key in stack) == wanted:
                scopes.append(text[2:].strip().strip("\"'"))
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if text.endswith(":"):
            stack.append((indent, text[:-1].strip()))
    return tuple(scopes)

"""soudan doctor against the fake Slack: one fault at a time, each a ✗ line and status 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.settings import Settings
from tests.bot.subprocesses import free_port
from tests.fakes.fake_slack import BOT_SCOPES, FakeSlack

ROOT = Path(__file__).resolve().parents[3]
BOT_TOKEN = "xoxb-1111111111-2222222222-SECRETbotTOKEN"
APP_TOKEN = "xapp-1-A0000001-3333333333-SECRETappTOKEN"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
# A public host that exists only behind the fake, used as an HTTP proxy.
PUBLIC = "http://soudan.example.test"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Only what each test sets: none of our variables, no proxy, no .env in the way."""
    for field in Settings.__dataclass_fields__:
        monkeypatch.delenv(field.upper(), raising=False)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("DB_PATH", str(tmp_path / "var" / "soudan.db"))

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def socket_mode(env, fake: FakeSlack) -> None:
    """Socket Mode against the fake, with a public URL that answers (through the fake)."""
    env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=fake.api_url,
        **public_url_through(fake),
    )


def public_url_through(fake: FakeSlack) -> dict[str, str]:
    # The fake is the proxy for the made-up public host; Slack's API is reached directly.
    return {"PUBLIC_BASE_URL": PUBLIC, "HTTP_PROXY": fake.base_url, "NO_PROXY": "127.0.0.1"}


def doctor():
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "SECRETbot" not in result.output and "SECRETapp" not in result.output
    return result


def lines(result, mark: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(mark)]


def only_failure(result) -> str:
    assert result.exit_code == 2, result.output
    [failed] = lines(result, "✗")
    assert "件の問題があります" in result.stderr
    return failed


def test_all_checks_pass_in_socket_mode(env, fake):
    socket_mode(env, fake)
    result = doctor()
    assert result.exit_code == 0, result.output
    assert not lines(result, "✗")
    labels = [line.split(":")[0] for line in lines(result, "✓")]
    assert labels == [
        "✓ 設定",
        "✓ データ",
        "✓ 利用記録",
        "✓ ボットのトークン",
        "✓ ボットの権限",
        "✓ App-Level Token",
        "✓ 時計",
        "✓ 公開 URL の応答",
    ]
    assert "すべて問題ありません" in result.stdout
    assert "xoxb-…kEN" not in result.stdout and "xoxb-…OKEN" in result.stdout
    [auth] = fake.calls_to("auth.test")
    assert auth.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    [opened] = fake.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert fake.calls_to("healthz")


def test_http_mode_does_not_ask_for_a_socket(env, fake):
    env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET="secret-not-shown",
        SLACK_API_URL=fake.api_url,
        **public_url_through(fake),
    )
    result = doctor()
    assert result.exit_code == 0, result.output
    assert "HTTP モード" in result.stdout and "secret-not-shown" not in result.output
    assert not fake.calls_to("apps.connections.open")


def test_without_tokens_it_says_pages_only_and_asks_slack_nothing(env, fake):
    result = doctor()
    assert result.exit_code == 0, result.output
    assert "✓ 設定: Slack のトークンがないため、ページだけ" in result.stdout
    assert fake.calls == []


def test_a_missing_variable_for_the_mode(env, fake):
    env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake.api_url)
    failed = only_failure(doctor())
    assert failed == "✗ 設定: 環境変数を読み込めません"
    assert "SLACK_APP_TOKEN" in doctor().stdout and fake.calls == []


def test_a_refused_bot_token(env, fake):
    socket_mode(env, fake)
    fake.fail("auth.test", "invalid_auth")
    result = doctor()
    assert only_failure(result) == "✗ ボットのトークン: Slack に断られました（invalid_auth）"
    assert "→ 「OAuth & Permissions」の Bot User OAuth Token" in result.stdout
    assert "✓ 時計" in result.stdout  # the refusal still carries Slack's time


def test_a_missing_scope(env, fake):
    socket_mode(env, fake)
    fake.oauth_scopes = tuple(s for s in BOT_SCOPES if s != "chat:write.public")
    result = doctor()
    assert only_failure(result) == "✗ ボットの権限: 足りない権限があります: chat:write.public"
    assert "再インストール" in result.stdout


def test_no_scope_header_is_not_taken_for_all_scopes(env, fake):
    socket_mode(env, fake)
    fake.oauth_scopes = None
    assert only_failure(doctor()).startswith("✗ ボットの権限: Slack の答えに権限の一覧")


@pytest.mark.parametrize("error", ["invalid_auth", "missing_scope"])
def test_a_refused_app_token(env, fake, error):
    socket_mode(env, fake)
    fake.fail("apps.connections.open", error)
    result = doctor()
    assert (
        only_failure(result) == f"✗ App-Level Token: ソケットモードの接続を断られました（{error}）"
    )
    assert "connections:write" in result.stdout


@pytest.mark.parametrize(("offset", "word"), [(300, "遅れて"), (-300, "進んで")])
def test_a_clock_five_minutes_off(env, fake, offset, word):
    socket_mode(env, fake)
    fake.clock_offset = offset
    failed = only_failure(doctor())
    found = re.fullmatch(
        r"✗ 時計: このマシンの時計が Slack より (\d+) 秒(遅れて|進んで)います", failed
    )
    assert found, failed
    # The Date header has whole seconds.
    assert abs(int(found[1]) - 300) <= 2 and found[2] == word


def test_an_unwritable_database(env, fake, tmp_path):
    socket_mode(env, fake)
    (tmp_path / "var").write_text("a file where the folder should be", "utf-8")
    env(DB_PATH=str(tmp_path / "var" / "soudan.db"))
    failed = only_failure(doctor())
    assert failed.startswith(f"✗ 利用記録: {tmp_path / 'var' / 'soudan.db'} に書き込めません")


def test_a_database_another_process_holds_locked(env, fake, tmp_path):
    # The write probe fails the same way on a read-only file; a held lock shows it as root too.
    import sqlite3

    db = tmp_path / "soudan.db"
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        env(DB_PATH=str(db))
        assert only_failure(doctor()).startswith("✗ 利用記録:")
    finally:
        holder.close()


def test_the_database_probe_changes_nothing(env, tmp_path):
    import sqlite3

    db = tmp_path / "soudan.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE answers (id INTEGER)")
    before = db.read_bytes()
    env(DB_PATH=str(db))
    assert "✓ 利用記録" in doctor().stdout
    assert db.read_bytes() == before
    # and a missing database is not created by doctor (it may run as another user)
    env(DB_PATH=str(tmp_path / "new" / "soudan.db"))
    assert "まだありません" in doctor().stdout
    assert not (tmp_path / "new").exists()


def test_a_data_error(env, fake, tmp_path):
    socket_mode(env, fake)
    (tmp_path / "data").mkdir()
    env(DATA_DIR=str(tmp_path / "data"))
    result = doctor()
    assert only_failure(result).startswith("✗ データ: ")
    assert "件の問題があります" in lines(result, "✗")[0]
    assert "soudan data check" in result.stdout


def test_an_unreachable_public_url(env):
    port = free_port()
    env(PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    failed = only_failure(doctor())
    assert failed == (
        f"✗ 公開 URL の応答: http://127.0.0.1:{port}/healthz が応答しません（接続を拒否されました）"
    )


def test_a_public_url_on_localhost_while_slack_users_are_elsewhere(env, fake):
    socket_mode(env, fake)
    env(PUBLIC_BASE_URL="http://localhost:8000")
    result = doctor()
    assert result.exit_code == 2
    failures = lines(result, "✗")
    assert failures[0] == (
        "✗ 公開 URL: PUBLIC_BASE_URL が http://localhost:8000 のため、"
        "ほかの PC では回答のリンクを開けません"
    )
    assert "HOST に 0.0.0.0" in result.stdout


def test_slack_unreachable_is_a_line_not_a_crash(env, fake):
    socket_mode(env, fake)
    env(SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/")
    result = doctor()
    assert result.exit_code == 2
    assert lines(result, "✗") == [
        "✗ ボットのトークン: Slack に接続できません（接続を拒否されました）",
        "✗ App-Level Token: Slack に接続できません（接続を拒否されました）",
    ]
    assert "このマシンから http://127.0.0.1:" in result.stdout


def test_a_public_url_that_does_not_speak_http_is_a_line_not_a_crash(env):
    import socketserver
    import threading

    class Garbage(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(1024)
            self.request.sendall(b"SSH-2.0-not-http\r\n\r\n")

    with socketserver.TCPServer(("127.0.0.1", 0), Garbage) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            env(PUBLIC_BASE_URL=f"http://127.0.0.1:{server.server_address[1]}")
            failed = only_failure(doctor())
        finally:
            server.shutdown()
    assert failed.startswith("✗ 公開 URL の応答: ")
    assert failed.endswith("が応答しません（HTTP ではない答えが返りました）")

"""soudan run (make run): the pages on HOST:PORT, and Slack by Socket Mode when configured.

Without SLACK_APP_TOKEN no public URL is needed for anything; with only HTTP-mode settings
the same local server also takes /slack/events (for trying HTTP mode behind a tunnel).
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
from types import FrameType
from typing import NoReturn

import click
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from bot.commands.errors import CommandError, CommandFailed
from bot.service import Service
from bot.settings import Settings, SettingsError
from bot.web.errors import SERVER_ERRORS, server_error_response
from index.errors import DataError

log = logging.getLogger(__name__)
access_log = logging.getLogger("bot.access")

PAGES_ONLY_HELP = (
    "Slack の設定がないため、ページだけを表示しています。"
    "Slack につなぐには、.env に SLACK_BOT_TOKEN（xoxb-…）と SLACK_APP_TOKEN（xapp-…）を書いて"
    "もう一度 make run を実行してください（ソケットモードなので公開 URL は不要です）。"
    "Slack アプリの作り方は docs/slack-setup.md に手順があります。"
)


class QuietRequestHandler(WSGIRequestHandler):
    """Access log lines without the query string: /search?q= carries the question. The
    errors the server answers itself (a request line or headers too long) in Japanese."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = getattr(self, "path", "").split("?", 1)[0]
        access_log.info("%s %s %s", getattr(self, "command", "-"), path, code)

    def log(self, type: str, message: str, *args: object) -> None:
        # werkzeug would write its own timestamp (the machine's zone) into the message;
        # the line already starts with ours (Settings.tz).
        getattr(logging.getLogger("werkzeug"), type)(
            "%s " + message.rstrip(), self.address_string(), *args
        )

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        if code in SERVER_ERRORS:
            body, content_type = server_error_response(code, api=self._asked_for_json())
            # http.server fills this in with %-formatting: the body has no fields of its own.
            self.error_message_format = body.decode().replace("%", "%%")
            self.error_content_type = content_type
        super().send_error(code, message, explain)

    def _asked_for_json(self) -> bool:
        # A request line too long to parse still starts with the method and the path.
        line = getattr(self, "raw_requestline", b"")[:16].split(b" ")
        return len(line) > 1 and line[1].startswith(b"/api/")


@click.command()
def run() -> None:
    """ページを表示し、設定があれば Slack にソケットモードで接続します。"""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise CommandError(str(error)) from None

    from bot.bootstrap import bootstrap
    from bot.reload import start_reloader
    from bot.wsgi import create_wsgi_app

    try:
        service = bootstrap(settings)
    except DataError as error:
        raise CommandError(error.report()) from None
    start_reloader(service, watch_files=True)

    server = _serve_pages(settings, create_wsgi_app(settings, service))
    url = f"http://{_display_host(settings.host)}:{settings.port}"
    stop = threading.Event()
    _stop_on_signals(stop)

    if settings.slack_mode == "socket":
        handler = _connect_socket_mode(settings, service, server)
        click.echo(f"Slack にソケットモードで接続しました。ページ: {url}")
        click.echo("終了するには Ctrl+C を押してください。")
        try:
            stop.wait()
        finally:
            handler.close()
            server.shutdown()
        return

    if settings.slack_mode == "http":
        click.echo(f"ページ: {url}  Slack（HTTP モード）の受け口: {url}/slack/events")
    else:
        click.echo(f"ページ: {url}")
        click.echo(PAGES_ONLY_HELP)
    click.echo("終了するには Ctrl+C を押してください。")
    try:
        stop.wait()
    finally:
        server.shutdown()


def _serve_pages(settings: Settings, wsgi_app) -> BaseWSGIServer:
    """Bind first (so a busy port gets a Japanese sentence), then serve in a thread."""
    try:
        family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((settings.host, settings.port))
        sock.listen(128)
    except OSError as error:
        raise CommandFailed(
            f"{settings.host}:{settings.port} で待ち受けできません（{error.strerror or error}）。"
            "環境変数 PORT で別のポートを指定してください。"
        ) from None
    server = make_server(
        settings.host,
        settings.port,
        wsgi_app,
        threaded=True,
        request_handler=QuietRequestHandler,
        fd=sock.fileno(),
    )
    sock.close()  # the server holds its own duplicate of the socket
    thread = threading.Thread(target=server.serve_forever, name="pages", daemon=True)
    thread.start()
    return server


def _connect_socket_mode(settings: Settings, service: Service, server: BaseWSGIServer):
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackApiError, SlackClientError

    from bot.slack.app import create_slack_app
    from bot.slack.socket_mode import SocketMode

    try:
        app = create_slack_app(settings, service, verify_token=True)
    except BoltError:
        server.shutdown()
        raise CommandError(
            "SLACK_BOT_TOKEN で Slack に接続できませんでした。トークンが正しいか、"
            "アプリがワークスペースにインストールされているか確かめてください。"
        ) from None
    except (SlackClientError, OSError) as error:
        _network_failure(server, error)
    handler = SocketMode(app, app_token=settings.slack_app_token or "")
    try:
        handler.connect()
    except SlackApiError as error:
        server.shutdown()
        code = error.response.get("error") if isinstance(error.response.data, dict) else ""
        raise CommandError(
            f"SLACK_APP_TOKEN でソケットモードに接続できませんでした（{code or 'error'}）。"
            "App-Level Token に connections:write が付いているか、"
            "アプリ設定で Socket Mode が有効か確かめてください。"
        ) from None
    except (SlackClientError, OSError) as error:
        _network_failure(server, error)
    return handler


def _network_failure(server: BaseWSGIServer, error: Exception) -> NoReturn:
    server.shutdown()
    raise CommandFailed(
        f"Slack に接続できませんでした（{type(error).__name__}）。ネットワークを確かめてください。"
    ) from error


def _stop_on_signals(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handle)


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host

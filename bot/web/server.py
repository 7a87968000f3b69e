"""A plain HTTP server for the pages (``make run`` without Slack, the browser test).

Werkzeug's request log prints the whole request line, and /search?q=… carries the
question: this server logs the path only.
"""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

log = logging.getLogger("bot.web.access")


class PrivateRequestHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = getattr(self, "path", "").split("?", 1)[0]
        log.info("%s %s %s", getattr(self, "command", "-"), path, code)

    def log_error(self, format: str, *args: object) -> None:
        # The arguments can quote the raw request line, question included.
        log.warning("bad request from client (%s)", args[0] if args else "-")


def make_web_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """A threaded server bound to host:port (port 0 picks a free one: see ``.server_port``)."""
    return make_server(host, port, app, threaded=True, request_handler=PrivateRequestHandler)

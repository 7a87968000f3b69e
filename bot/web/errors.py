"""Error pages in Japanese with a way forward; JSON errors under /api/. No tracebacks shown."""

from __future__ import annotations

import html
import json
import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("リクエストを読み取れませんでした", "入力を確かめて、もう一度お試しください。"),
    404: (
        "ページが見つかりませんでした",
        "取組番号や担当課名が違うか、ページが移動した可能性があります。下の検索から探せます。",
    ),
    405: ("この操作には対応していません", "ページを開き直してお試しください。"),
    413: ("送信された内容が大きすぎます", "短くしてもう一度お試しください。"),
    414: ("質問が長すぎます", "質問を短くして、検索欄からもう一度お試しください。"),
    431: ("送信された内容が大きすぎます", "短くしてもう一度お試しください。"),
    500: (
        "申し訳ありません。問題が発生しました",
        "時間をおいてもう一度お試しください。続くときは管理者にお知らせください。",
    ),
}
_OTHER = ("ページを表示できませんでした", "時間をおいてもう一度お試しください。")


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(HTTPException, error_page)


def error_page(error: HTTPException) -> tuple[Response | str, int]:
    # Flask has already logged the traceback of a 500; the user only gets the sentence.
    code = error.code or 500
    title, hint = MESSAGES.get(code, _OTHER)
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify(error=f"{title}。"), code
    try:
        return render_template("error.html", title=title, hint=hint, code=code), code
    except Exception:  # the error page must not fail in turn
        log.exception("error page failed to render")
        return Response(f"{title}。{hint}", code, mimetype="text/plain"), code


# Answered by the server itself (werkzeug under make run, gunicorn's workers), before the
# app sees the request: a request line or headers too large for it to read.
SERVER_ERRORS = (414, 431)


def server_error_response(code: int, *, api: bool = False) -> tuple[bytes, str]:
    """Body and content type for ``code`` where no template (nor the app) is at hand."""
    title, hint = MESSAGES.get(code, _OTHER)
    if api:
        return json.dumps({"error": f"{title}。"}, ensure_ascii=False).encode(), (
            "application/json"
        )
    page = (
        '<!doctype html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} | 相談ナビ</title>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(hint)}</p>\n"
        '<p><a href="/">検索・取組一覧へ</a></p>\n</body>\n</html>\n'
    )
    return page.encode(), "text/html; charset=utf-8"

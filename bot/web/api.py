"""JSON for scripts and the platform: the same answers as `soudan search --jsonl`."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from werkzeug.wrappers import Response

from bot.jsonout import answer_json, measure_json
from bot.surfaces import Surface
from bot.web.query import notices_for, question_of
from bot.web.state import web_state

api = Blueprint("api", __name__)


@api.get("/api/search")
def search() -> Response | tuple[Response, int]:
    query = question_of(request)
    answer = web_state().service.answer(query.text, surface=Surface.API)
    # As `soudan search --jsonl` does: "q" echoes the question as asked, so callers can join.
    body = answer_json(answer, query.text)
    # Cut before answer() saw it: said here, as the page does.
    body["notices"] = notices_for(query, body.get("notices", []))
    response = jsonify(body)
    if query.shortened:
        response.headers["X-Question-Shortened"] = "1"
    return response


@api.get("/api/measures/<measure_id>")
def measure(measure_id: str) -> Response:
    found = web_state().catalog().data.measure(measure_id)
    if found is None:
        abort(404)
    return jsonify(measure_json(found))


@api.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok", data_version=web_state().service.data.version.label)

import json
from urllib.parse import quote

import pytest

from bot.jsonout import answer_json, measure_json

QUESTIONS = ["家賃を3か月滞納している", "保護課", "1-3-8", "宇宙旅行に行きたい", "借金 ｶﾞｽ代"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_api_search_is_one_line_of_soudan_search_jsonl(client, service, question):
    response = client.get("/api/search?q=" + quote(question))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    expected = answer_json(service.answer(question, surface="cli"), question)
    assert response.get_json() == expected
    # Keys in the CLI's order, Japanese unescaped, as one line.
    body = response.get_data(as_text=True)
    assert list(json.loads(body)) == list(expected)
    assert "\n" not in body.strip()
    assert question.split()[0] in body


def test_api_search_without_q_is_the_empty_answer(client):
    data = client.get("/api/search").get_json()
    assert data["kind"] == "empty" and data["results"] == []


def test_api_search_records_the_api_surface(web_app, client):
    service = web_app.extensions["soudan"].service
    seen = []
    original = service.store
    service.store = type("Recorder", (), {"record_answer": lambda self, e: seen.append(e)})()
    try:
        client.get("/api/search?q=" + quote("家賃"))
        client.get("/search?q=" + quote("家賃"))
    finally:
        service.store = original
    assert [event.surface for event in seen] == ["api", "web"]


def test_api_measure_is_the_data_dump_record(client, plan_data):
    for measure_id in ("3-1-3-8", "2-1-1-2"):
        response = client.get(f"/api/measures/{measure_id}")
        assert response.status_code == 200
        assert response.get_json() == measure_json(plan_data.measure(measure_id))
    assert set(client.get("/api/measures/3-1-3-8").get_json()) == {
        "id", "plan", "section", "section_title", "no", "title", "summary",
        "departments", "status", "predecessor", "successor",
    }  # fmt: skip


def test_api_unknown_measure_is_json_404(client):
    response = client.get("/api/measures/9-9-9-9")
    assert response.status_code == 404
    assert response.get_json() == {"error": "ページが見つかりませんでした。"}


def test_healthz(client, plan_data):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "data_version": plan_data.version.label}

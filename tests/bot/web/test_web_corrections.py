"""The 「違う場合は、正しい取組を教えてください」 form under an answer, and POST /correct."""

import logging
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.corrections import NOT_IN_PLAN, UNKNOWN, WORDS_NOTICE
from bot.service import Service
from bot.settings import Settings as AppSettings
from bot.web import create_web_app
from bot.web.correct import MAX_BODY_BYTES, PROBLEMS, find_measure
from index.model import CURRENT_PLAN
from tests.bot.web.conftest import ROOT

RENT = "家賃を3か月滞納している"
CASE_NOTE = "失職後、家賃を2か月滞納。消費者金融の返済もあり、夜眠れないとのこと。"
OUT_OF_PLAN = "宇宙旅行に行きたい"
# A question as a caseworker might type it, with what must never be kept.
PERSONAL = "山田さん（090-1234-5678）は家賃を3か月滞納している"
SUMMARY = "違う場合は、正しい取組を教えてください"
MARKUP = "<script>alert(1)</script>\"'&"


def search(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def form_of(html: str) -> str:
    start = html.index('<details class="correct">')
    return html[start : html.index("</details>", start)]


def hidden(form: str, name: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)">', form)


def test_the_form_is_under_a_found_answer(learning_client, service, plan_data):
    form = form_of(search(learning_client, "/search?q=" + quote(RENT)))
    answer = service.answer(RENT, surface="web")
    assert f"<summary>{SUMMARY}</summary>" in form
    assert '<form method="post" action="/correct">' in form
    assert hidden(form, "q") == [RENT]
    assert hidden(form, "shown") == [hit.measure.id for hit in answer.hits[:5]]
    assert hidden(form, "need") == ["住まい"]  # the one need read in the question
    # Every current-plan measure in the type-ahead, as a person picks it.
    options = re.findall(r'<option value="([^"]*)"></option>', form)
    current = plan_data.plan_measures(CURRENT_PLAN)
    assert len(options) == len(current) == 97
    assert {f"{m.short_id} {m.title}" for m in current} == set(options)
    assert 'list="correct-measures"' in form and '<datalist id="correct-measures">' in form
    assert "<fieldset>" in form and "<legend>正しいものを選んでください</legend>" in form
    for choice, label in (
        ("measure", "この取組"),
        ("not_in_plan", "計画にない"),
        ("unknown", "わからない"),
    ):
        assert f'name="choice" value="{choice}"' in form
        assert f">{label}</label>" in form
    # Every visible control has a label pointing at it.
    ids = re.findall(r'<input type="(?:radio|text)" id="([^"]+)"', form)
    assert len(ids) == 4
    for control in ids:
        assert f'<label for="{control}">' in form, control
    assert f"{WORDS_NOTICE}。" in form
    assert '<button type="submit">送る</button>' in form


def test_the_form_is_under_an_answer_by_needs(learning_client, service):
    form = form_of(search(learning_client, "/search?q=" + quote(CASE_NOTE)))
    answer = service.answer(CASE_NOTE, surface="web")
    assert len(answer.needs) > 1
    assert hidden(form, "shown") == [hit.measure.id for hit in answer.hits[:5]]
    # Several needs: which one the correction is about is not known.
    assert hidden(form, "need") == [""]


def test_the_form_under_a_narrowed_need_names_it(learning_client, service):
    form = form_of(search(learning_client, "/search?need=" + quote("借金")))
    answer = service.answer_need("借金", surface="web")
    assert hidden(form, "q") == [""]
    assert hidden(form, "need") == ["借金"]
    assert hidden(form, "shown") == [hit.measure.id for hit in answer.hits[:5]]


def test_the_form_is_under_an_answer_that_found_nothing(learning_client):
    html = search(learning_client, "/search?q=" + quote(OUT_OF_PLAN))
    assert "計画に当てはまる取組は見つかりませんでした" in html
    assert hidden(form_of(html), "q") == [OUT_OF_PLAN]


def test_no_form_without_an_answer_or_when_learning_is_off(learning_client, not_learning_client):
    assert SUMMARY not in search(learning_client, "/search")
    assert 'action="/correct"' not in search(learning_client, "/search")
    html = search(not_learning_client, "/search?q=" + quote(RENT))
    assert "当てはまる取組" in html
    assert SUMMARY not in html and 'action="/correct"' not in html


def test_markup_in_the_question_is_escaped_in_the_hidden_field(learning_client):
    html = search(learning_client, "/search?q=" + quote(MARKUP))
    assert '<input type="hidden" name="q" value="&lt;script&gt;alert(1)&lt;/script&gt;' in html
    assert "<script>" not in html


def post(client, **fields):
    data = {"q": PERSONAL, "shown": ["3-3-3-3", "3-1-2-6"], "need": "住まい", **fields}
    return client.post("/correct", data=data)


@pytest.mark.parametrize(
    ("fields", "chosen"),
    [
        ({"choice": "measure", "measure": "1-4-1 家計改善支援事業の実施"}, "3-1-4-1"),
        ({"choice": "measure", "measure": "3-1-4-1"}, "3-1-4-1"),
        ({"choice": "measure", "measure": "１ー４ー１"}, "3-1-4-1"),  # typed with an IME
        ({"choice": "measure", "measure": "家計改善支援事業の実施"}, "3-1-4-1"),
        ({"choice": "measure", "measure": "家計"}, "3-1-4-1"),  # the one pick_measures finds
        ({"choice": "not_in_plan", "measure": "ignored"}, NOT_IN_PLAN),
        ({"choice": "unknown"}, UNKNOWN),
    ],
)
def test_a_posted_correction_is_recorded_without_names_or_numbers(
    learning_client, store, plan_data, caplog, fields, chosen
):
    assert plan_data.measure("3-1-4-1").title == "家計改善支援事業の実施"
    with caplog.at_level(logging.DEBUG):
        response = post(learning_client, **fields)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>ありがとうございました</h1>" in html
    assert f'<a href="/search?q={quote(PERSONAL)}">検索結果に戻る</a>' in html
    assert response.headers["Cache-Control"] == "no-store"
    [(correction, surface, user_id)] = store.corrections
    assert (correction.chosen, surface, user_id) == (chosen, "web", "web:127.0.0.1")
    assert correction.shown == ("3-3-3-3", "3-1-2-6")
    assert correction.need == "住まい"
    if chosen == UNKNOWN:
        assert correction.words == ()  # 「わからない」 teaches nothing
    else:
        assert {"家賃", "滞納"} <= set(correction.words)
        for word in correction.words:
            assert not any(c.isdigit() for c in word), word
            assert "山田" not in word and "090" not in word
    assert PERSONAL not in caplog.text and "山田" not in caplog.text


def test_the_form_as_the_page_writes_it_round_trips(learning_client, store, service):
    html = search(learning_client, "/search?q=" + quote(RENT))
    form = form_of(html)
    data = {
        "q": hidden(form, "q")[0],
        "shown": hidden(form, "shown"),
        "need": hidden(form, "need")[0],
        "choice": "measure",
        "measure": re.findall(r'<option value="([^"]*)"></option>', form)[0],
    }
    assert learning_client.post("/correct", data=data).status_code == 200
    [(correction, _, _)] = store.corrections
    first = service.data.plan_measures(CURRENT_PLAN)[0]
    assert correction.chosen == first.id
    assert correction.shown == tuple(hidden(form, "shown"))
    assert correction.words == ("家賃", "滞納")


def test_an_unknown_need_label_is_dropped_not_stored(learning_client, store):
    assert post(learning_client, choice="unknown", need="でたらめ").status_code == 200
    assert store.corrections[0][0].need == ""


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({}, "no_choice"),
        ({"measure": "3-1-4-1"}, "no_choice"),
        ({"choice": "measure"}, "no_measure"),
        ({"choice": "measure", "measure": "   "}, "no_measure"),
        ({"choice": "measure", "measure": "xyzzy"}, "unknown_measure"),
        ({"choice": "measure", "measure": "9-9-9"}, "unknown_measure"),
        ({"choice": "measure", "measure": "2-1-1-1"}, "unknown_measure"),  # 2nd plan
        ({"choice": "maybe"}, "unreadable"),
        ({"choice": "unknown", "q": "家賃" * 1001}, "unreadable"),
        ({"choice": "unknown", "need": "住" * 41}, "unreadable"),
        ({"choice": "unknown", "shown": ["3-1-1-1"] * 6}, "unreadable"),
        ({"choice": "unknown", "shown": ["3" * 21]}, "unreadable"),
        ({"choice": "measure", "measure": "家計" * 51}, "unreadable"),
    ],
)
def test_a_bad_post_is_a_japanese_400_and_records_nothing(
    learning_client, store, caplog, fields, problem
):
    with caplog.at_level(logging.DEBUG):
        response = post(learning_client, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<h1>送信内容を確かめてください</h1>" in html
    assert f"<p>{PROBLEMS[problem]}</p>" in html
    assert "Traceback" not in html
    assert store.corrections == []
    assert PERSONAL not in caplog.text


def test_a_post_without_the_question_field_is_refused(learning_client, store):
    response = learning_client.post("/correct", data={"choice": "unknown"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert PROBLEMS["unreadable"] in html
    assert '<a href="/search">検索ページへ</a>' in html
    assert store.corrections == []


def test_a_body_beyond_the_form_s_size_is_a_413(learning_client, store):
    response = post(learning_client, choice="unknown", filler="x" * MAX_BODY_BYTES)
    assert response.status_code == 413
    assert "送信された内容が大きすぎます" in response.get_data(as_text=True)
    assert store.corrections == []


def test_another_site_cannot_post_a_correction(learning_client, store):
    response = learning_client.post(
        "/correct",
        data={"q": RENT, "choice": "unknown"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 400
    assert store.corrections == []
    same = learning_client.post(
        "/correct", data={"q": RENT, "choice": "unknown"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same.status_code == 200 and len(store.corrections) == 1


def test_get_is_405(learning_client):
    assert learning_client.get("/correct").status_code == 405


def test_learning_off_is_a_polite_404_and_records_nothing(not_learning_client, store):
    response = post(not_learning_client, choice="measure", measure="3-1-4-1")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>正しい取組の受け付けは停止しています</h1>" in html
    assert "検索はこれまでどおり使えます。" in html
    assert store.corrections == []


def test_a_store_that_fails_is_said_and_the_question_not_logged(index, tmp_path, caplog):
    class Broken:
        def record_answer(self, event) -> None:
            pass

        def record_correction(self, *args, **kwargs) -> None:
            raise RuntimeError("broken")

    config = AppSettings(data_dir=ROOT / "data", db_path=tmp_path / "x.db")
    client = create_web_app(config, Service(config, index, Broken())).test_client()  # type: ignore[arg-type]
    with caplog.at_level(logging.DEBUG):
        response = post(client, choice="not_in_plan")
    assert response.status_code == 503
    assert "<h1>記録できませんでした</h1>" in response.get_data(as_text=True)
    assert "failed to record a correction" in caplog.text
    assert PERSONAL not in caplog.text


def test_the_way_back_is_the_narrowed_need_when_there_was_no_question(learning_client, store):
    response = learning_client.post(
        "/correct", data={"q": "", "need": "借金", "choice": "not_in_plan"}
    )
    assert response.status_code == 200
    assert f'<a href="/search?need={quote("借金")}">検索結果に戻る</a>' in response.get_data(
        as_text=True
    )
    [(correction, _, _)] = store.corrections
    assert (correction.chosen, correction.need, correction.words) == (NOT_IN_PLAN, "借金", ())


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("1-4-1", "3-1-4-1"),
        ("1-4-01", "3-1-4-1"),
        ("3-1-4-1 何でも", "3-1-4-1"),  # the id leads; the rest is not read
        ("1-4-1-2345", None),  # not an id: the start of a longer number
        ("2-1-1-1", None),  # the 2nd plan is not what a person is asked for
        ("", None),
    ],
)
def test_find_measure(service, typed, found):
    measure = find_measure(typed, service.data, service.pick_measures)
    assert (measure.id if measure else None) == found


def test_find_measure_guesses_nothing_when_the_pick_is_not_one(service):
    assert find_measure("家計", service.data, lambda text, limit: ()) is None
    both = service.data.plan_measures(CURRENT_PLAN)[:2]
    assert find_measure("家計", service.data, lambda text, limit: both) is None

    def broken(text, limit):
        raise RuntimeError("no")

    assert find_measure("家計", service.data, broken) is None


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(max_size=300),
    measure=st.text(max_size=120),
    need=st.text(max_size=50),
    shown=st.lists(st.text(max_size=25), max_size=7),
    choice=st.sampled_from(["measure", "not_in_plan", "unknown", "", "x"]),
)
def test_any_form_gives_a_page_never_an_error(learning_client, q, measure, need, shown, choice):
    data = {"q": q, "measure": measure, "need": need, "shown": shown, "choice": choice}
    response = learning_client.post("/correct", data=data)
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "Traceback" not in html

"""Every page over the real data, through the Flask test client."""

import re
from urllib.parse import quote

import pytest

from index.model import CURRENT_PLAN


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_every_page_has_the_layout_and_data_version(client, web_app):
    label = web_app.extensions["soudan"].service.data.version.label
    for url in ("/", "/search?q=家賃", "/measures/3-1-3-8", "/departments", "/plans/2"):
        html = page(client, url)
        assert html.startswith('<!doctype html>\n<html lang="ja">')
        for tag in ("<header", "<nav", '<main id="main">', "<footer"):
            assert tag in html, (url, tag)
        assert f"データ版：{label}" in html
        assert 'href="https://www.city.chiba.jp/example/plan3.html"' in html
        assert "<script" not in html  # the pages work without JavaScript
        headings = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
        assert headings[0] == 1 and headings.count(1) == 1, url
        assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), url


def test_home_has_a_labelled_search_box_and_the_whole_plan(client, plan_data):
    html = page(client, "/")
    assert '<label for="q">' in html and 'id="q" name="q"' in html
    assert 'action="/ask" method="post"' in html
    current = plan_data.plan_measures(CURRENT_PLAN)
    for measure in current:
        assert f'href="/measures/{measure.id}"' in html
    for section in (s for s in plan_data.sections if s.plan == CURRENT_PLAN):
        assert f"{section.label} {section.title}" in html
    assert "大項目１" in html


def test_second_plan_page_lists_its_rows_and_the_third_redirects(client, plan_data):
    html = page(client, "/plans/2")
    for measure in plan_data.plan_measures(2):
        assert f'href="/measures/{measure.id}"' in html
    assert client.get("/plans/3").headers["Location"] == "/"
    page(client, "/plans/7", 404)


def test_search_page_shows_housing_measures_for_rent_arrears(client, service):
    html = page(client, "/search?q=" + quote("家賃を3か月滞納している"))
    answer = service.answer("家賃を3か月滞納している", surface="web")
    assert not answer.abstained
    assert "当てはまる取組" in html
    for hit in answer.hits:
        assert f'href="/measures/{hit.measure.id}"' in html
    top = answer.hits[0].measure
    assert "住" in top.title  # 住居 / 住宅: the plan's word for what rent is about
    assert "相談先の担当課" in html
    for name in answer.departments:
        assert f'href="/departments/{quote(name)}"' in html
    assert 'value="家賃を3か月滞納している"' in html


def test_search_page_out_of_plan(client):
    html = page(client, "/search?q=" + quote("宇宙旅行に行きたい"))
    assert "計画に当てはまる取組は見つかりませんでした" in html
    assert "もしかして：" in html


def test_search_by_measure_id_and_department(client):
    html = page(client, "/search?q=1-3-8")
    assert 'href="/measures/3-1-3-8"' in html
    html = page(client, "/search?q=" + quote("保護課"))
    assert f'「<a href="/departments/{quote("保護課")}">保護課</a>」の取組です。' in html


def test_measure_page_of_a_continued_row_shows_diff_and_departments(client, plan_data):
    measure = plan_data.measure("3-1-1-3")  # 就職氷河期世代等への支援 → 多様な求職者への支援
    assert measure.predecessor
    html = page(client, f"/measures/{measure.id}")
    assert f"<h1>{measure.title}</h1>" in html
    assert "<ins>" in html and "<del>" in html
    assert f'href="/measures/{measure.predecessor}"' in html
    for name in measure.departments:
        assert f'href="/departments/{quote(name)}"' in html
    assert "同じ項目（１－（１））の取組" in html
    assert 'href="https://www.city.chiba.jp/example/plan3.html"' in html


@pytest.mark.parametrize("plan", [2, 3])
def test_every_measure_page_renders(client, plan_data, plan):
    for measure in plan_data.plan_measures(plan):
        html = page(client, f"/measures/{measure.id}")
        assert f"<h1>{measure.title}</h1>" in html
        assert ("第２期からの変化" if plan == 3 else "第３期での扱い") in html


def test_a_short_id_redirects_to_the_current_plan_permalink(client):
    response = client.get("/measures/1-3-8")
    assert response.status_code == 301
    assert response.headers["Location"] == "/measures/3-1-3-8"


def test_department_directory_and_pages(client, plan_data):
    html = page(client, "/departments")
    for dept in plan_data.departments:
        assert f'href="/departments/{quote(dept.name)}"' in html
    for dept in plan_data.departments:
        html = page(client, f"/departments/{quote(dept.name)}")
        assert f"<h1>{dept.name}</h1>" in html
        assert dept.kana in html
        for measure in plan_data.measures:
            if dept.name in measure.departments:
                assert f'href="/measures/{measure.id}"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/measures/3-9-9-99",
        "/measures/nope",
        "/departments/" + quote("存在しない課"),
        "/no/such/page",
        "/api/nothing",
    ],
)
def test_unknown_pages_are_a_japanese_404_with_a_search_box(client, url):
    response = client.get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.get_json() == {"error": "ページが見つかりませんでした。"}
        return
    html = response.get_data(as_text=True)
    assert "<h1>ページが見つかりませんでした</h1>" in html
    assert '<label for="q">' in html


def test_wrong_method_is_a_japanese_405(client):
    response = client.post("/search", data={"q": "家賃"})
    assert response.status_code == 405
    assert "この操作には対応していません" in response.get_data(as_text=True)


def test_static_stylesheet_has_a_print_rule_without_navigation(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200
    css = response.get_data(as_text=True)
    print_rules = css.split("@media print", 1)[1]
    assert "header.site nav" in print_rules and "display: none" in print_rules
    assert "size: A4" in print_rules
    response.close()


def test_response_headers_keep_the_question_private(client):
    response = client.get("/search?q=" + quote("家賃"))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in client.get("/measures/3-1-3-8").headers.get("Cache-Control", "")


def test_search_page_groups_a_case_note_by_need(client):
    note = "失職後、家賃を2か月滞納。消費者金融の返済もあり、夜眠れないとのこと。"
    html = page(client, "/search?q=" + quote(note))
    assert "この相談の困りごと（" in html
    assert html.count('class="need"') >= 3
    assert "印刷すると" in html


def test_search_page_offers_needs_for_a_vague_question_and_answers_one(client):
    html = page(client, "/search?q=" + quote("生活が苦しいという相談"))
    assert "困りごとで絞り込む" in html
    assert 'href="/search?need=%E4%BD%8F%E3%81%BE%E3%81%84"' in html  # 住まい
    narrowed = page(client, "/search?need=" + quote("借金"))
    assert "困りごと「借金」の取組です" in narrowed and "多重債務" in narrowed
    unknown = page(client, "/search?need=" + quote("<script>"))
    assert "<script>" not in unknown


def test_the_search_form_posts_and_a_short_question_moves_into_the_address(client):
    response = client.post("/ask", data={"q": "家賃を滞納している"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/search?q=" + quote("家賃を滞納している")


def test_a_question_too_long_for_an_address_is_answered_from_the_post(client):
    question = "家賃を3か月滞納していて、" * 80  # 1,040 characters: 9 kB as an address
    response = client.post("/ask", data={"q": question})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/measures/3-" in html
    assert "先頭の" not in html  # not shortened: it fits MAX_QUESTION_CHARS


def test_a_posted_question_over_the_limit_is_shortened_and_said_so(client):
    from index.question import SHORTENED_NOTICE

    response = client.post("/ask", data={"q": "家賃の相談" * 20_000})
    assert response.status_code == 200
    assert SHORTENED_NOTICE in response.get_data(as_text=True)


def test_an_empty_post_shows_the_empty_search_page(client):
    response = client.post("/ask", data={"q": "  "})
    assert response.status_code == 303 and response.headers["Location"] == "/search"


def test_the_page_answered_from_a_post_is_never_cached(client):
    response = client.post("/ask", data={"q": "家賃を3か月滞納していて、" * 80})
    assert response.headers["Cache-Control"] == "no-store"


def test_measures_are_cited_one_way_on_every_page(client):
    assert "第3期 3-(3) No.3" in page(client, "/search?q=" + quote("家賃を3か月滞納している"))
    measure = page(client, "/measures/3-3-3-3")
    assert '<dt>取組番号</dt><dd><span class="code">第3期 3-(3) No.3</span>' in measure
    assert "第2期 " in measure  # the row it continues, cited the same way
    assert "第2期 1-(5) No.4" in page(client, "/plans/2")

"""The pages in a real browser, as a caseworker uses them.

Opens /, types a question, submits, finds a housing measure for rent arrears, follows its
link, sees its department, and checks the 404 page: first with JavaScript switched off
(the pages need none), then layout on a phone, keyboard focus and the print view.
Screenshots (and an A4 PDF) are kept in var/artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

QUESTION = "家賃を3か月滞納している"
LABEL = "相談の内容を、ふだんの言葉で入力してください"


def _keep(page, artifacts: Path, name: str, **options) -> Path:
    path = artifacts / name
    page.screenshot(path=str(path), **options)
    print(f"screenshot: {path}")
    return path


def test_search_follow_link_department_and_404(browser, live_url, artifacts):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        assert page.title() == "取組を探す | 相談ナビ"
        assert page.locator("h1").inner_text() == "相談ナビ"
        _keep(page, artifacts, "home-desktop.png")

        page.get_by_label(LABEL).fill(QUESTION)
        page.get_by_role("button", name="探す").click()
        page.wait_for_url(re.compile(r"/search\?q="))
        assert page.get_by_label(LABEL).input_value() == QUESTION
        assert page.locator("h2#hits").inner_text().startswith("当てはまる取組")

        first = page.locator("ol.hits > li.hit").first
        title = first.locator("h3 a").inner_text()
        department = first.locator("p.dept a").first.inner_text()
        assert "住" in title, title  # 住居・住宅: rent arrears lead to the housing measures
        _keep(page, artifacts, "search-desktop.png", full_page=True)

        first.locator("h3 a").click()
        page.wait_for_url(re.compile(r"/measures/3-\d+-\d+-\d+$"))
        assert page.locator("h1").inner_text() == title
        facts = page.locator("dl.facts").first
        assert department in facts.locator("dt:text-is('担当課') + dd").inner_text()
        _keep(page, artifacts, "measure-desktop.png", full_page=True)

        page.get_by_role("link", name=department).first.click()
        assert page.locator("h1").inner_text() == department

        response = page.goto(live_url + "/measures/9-9-9-9")
        assert response is not None and response.status == 404
        assert page.locator("h1").inner_text() == "ページが見つかりませんでした"
        assert page.get_by_label(LABEL).is_visible()
        _keep(page, artifacts, "not-found.png")
    finally:
        context.close()


def test_phone_width_has_no_horizontal_scroll(browser, live_url, artifacts):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    try:
        for path in ("/", "/search?q=" + QUESTION, "/measures/3-1-1-3", "/departments"):
            page.goto(live_url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, overflow)
        _keep(page, artifacts, "departments-phone.png")
        page.goto(live_url + "/measures/3-1-1-3")
        _keep(page, artifacts, "measure-phone.png", full_page=True)
    finally:
        context.close()


def test_keyboard_reaches_the_search_box_with_a_visible_focus(browser, live_url):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
        assert page.locator("a.skip").is_visible()  # the skip link shows when focused
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "q":
                break
        else:
            pytest.fail("Tab キーで検索欄に届きません。")
        outline = page.evaluate(
            "getComputedStyle(document.activeElement).outlineStyle + ' '"
            " + getComputedStyle(document.activeElement).outlineWidth"
        )
        assert outline == "solid 3px"
        page.keyboard.type(QUESTION)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/search\?q="))
        assert page.locator("ol.hits > li.hit").count() > 0
    finally:
        context.close()


def test_print_view_has_no_navigation(browser, live_url, artifacts):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(live_url + "/measures/3-1-1-3")
        assert page.locator("header nav").is_visible()
        page.emulate_media(media="print")
        for selector in ("header nav", "form.search", "nav.crumbs", "section.related"):
            assert not page.locator(selector).is_visible(), selector
        assert page.locator("h1").is_visible()
        assert page.locator("p.print-only").is_visible()
        _keep(page, artifacts, "measure-print.png", full_page=True)
        pdf = artifacts / "measure-a4.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
        assert pdf.stat().st_size > 10_000
        print(f"pdf: {pdf}")
    finally:
        context.close()


CASE_NOTE = "失職後、家賃を2か月滞納。消費者金融の返済もあり、夜眠れないとのこと。"


def test_a_case_note_prints_need_by_need_without_the_question(browser, live_url, artifacts):
    from urllib.parse import quote

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_url + "/search?q=" + quote(CASE_NOTE))
        assert page.locator("h2#needs").inner_text().startswith("この相談の困りごと（")
        needs = page.locator("section.need")
        assert needs.count() >= 3
        for i in range(needs.count()):
            assert needs.nth(i).locator("h3").is_visible()
            assert needs.nth(i).locator("ol.hits > li.hit").count() >= 1
        _keep(page, artifacts, "search-needs-desktop.png", full_page=True)
        page.emulate_media(media="print")
        # What is attached to a case record: the needs and measures, never the question.
        assert not page.locator("form.search").is_visible()
        assert CASE_NOTE not in page.locator("main").inner_text()
        assert page.locator("section.need h3").first.is_visible()
        _keep(page, artifacts, "search-needs-print.png", full_page=True)
        pdf = artifacts / "search-needs-a4.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
        assert pdf.stat().st_size > 10_000
    finally:
        context.close()


def test_a_vague_question_narrows_by_a_link(browser, live_url):
    from urllib.parse import quote

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_url + "/search?q=" + quote("生活が苦しいという相談"))
        page.locator("nav.narrow").get_by_role("link", name="借金").click()
        page.wait_for_url(re.compile(r"/search\?need="))
        assert "困りごと「借金」の取組です" in page.locator("main").inner_text()
        assert page.locator("ol.hits > li.hit").count() >= 1
    finally:
        context.close()


def _axe_violations(page) -> tuple[int, str]:
    # axe-core as the package ships it: nothing is downloaded. It runs as a script, so only
    # in a context with JavaScript on (the pages themselves need none).
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return results.violations_count, results.generate_report()


MEASURE_LABEL = "取組の番号か名前（候補から選べます）"


def test_the_search_page_with_the_correction_form_open_passes_axe(browser, live_url, artifacts):
    from urllib.parse import quote

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_url + "/search?q=" + quote(QUESTION))
        summary = page.locator("details.correct summary")
        assert summary.inner_text() == "違う場合は、正しい取組を教えてください"
        measure = page.get_by_label(MEASURE_LABEL)
        assert not measure.is_visible()  # closed: the answer stays the first thing read
        summary.click()
        assert measure.is_visible()
        assert page.locator("datalist#correct-measures option").count() == 97
        _keep(page, artifacts, "search-correct-desktop.png", full_page=True)
        count, report = _axe_violations(page)
        assert count == 0, report

        measure.focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"  # the focus ring of the other controls
        # The radios are required: the browser asks for a choice instead of sending.
        page.get_by_role("button", name="送る").click()
        assert page.locator("#correct-choice-measure").evaluate("e => e.validity.valueMissing")
        assert "/search?q=" in page.url

        page.get_by_label("計画にない").check()
        page.get_by_role("button", name="送る").click()
        page.wait_for_url(re.compile(r"/correct$"))
        assert page.locator("h1").inner_text() == "ありがとうございました"
        count, report = _axe_violations(page)
        assert count == 0, report
    finally:
        context.close()


def test_a_correction_is_sent_without_javascript(browser, live_url):
    from urllib.parse import quote

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_url + "/search?q=" + quote(QUESTION))
        page.locator("details.correct summary").click()
        page.get_by_label("この取組").check()
        page.get_by_label(MEASURE_LABEL).fill("1-4-1 家計改善支援事業の実施")
        page.get_by_role("button", name="送る").click()
        page.wait_for_url(re.compile(r"/correct$"))
        assert page.locator("h1").inner_text() == "ありがとうございました"
        page.get_by_role("link", name="検索結果に戻る").click()
        page.wait_for_url(re.compile(r"/search\?q="))
        assert page.get_by_label(LABEL).input_value() == QUESTION
    finally:
        context.close()


def test_the_correction_form_on_a_phone_and_in_print(browser, live_url):
    from urllib.parse import quote

    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_url + "/search?q=" + quote(CASE_NOTE))
        page.locator("details.correct summary").click()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, overflow
        count, report = _axe_violations(page)
        assert count == 0, report
        page.emulate_media(media="print")
        assert not page.locator("details.correct").is_visible()  # not on a case record
    finally:
        context.close()

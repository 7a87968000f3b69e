"""Pages over a small hand-made plan and prepared answers: what each part of a page shows."""

import re
from urllib.parse import quote

from index.model import Answer, Match, QuestionKind


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_measure_page_shows_diff_with_ins_and_del(fake_client):
    html = page(fake_client, "/measures/3-1-1-1")
    assert "<h1>疾病の早期発見及び早期治療開始に向けた支援</h1>" in html
    assert "もとになった第２期の取組" in html
    assert 'href="/measures/2-1-1-1"' in html
    # Title: the comma of the 2nd plan was removed; summary: 「・把握し治療を開始」 added.
    assert re.search(r"<del><span class=\"vh\">［削除：</span>、<span", html)
    assert re.search(r"<ins><span class=\"vh\">［追加：</span>・把握し治療を開始<span", html)
    assert "第２期の取組を引き継いでいます。" in html


def test_second_plan_row_shows_what_became_of_it(fake_client):
    html = page(fake_client, "/measures/2-1-4-1")
    assert "第３期での扱い" in html
    assert "第３期では別の項目に移って続いています。" in html
    assert "出典：第２期千葉市貧困対策アクションプラン" in html
    assert 'href="/measures/3-3-1-1"' in html
    assert "<dt>項目</dt><dd><del>１－（４） 相談機関の連携強化</del>" in html
    assert "<dt>担当課</dt>" in html
    ended = page(fake_client, "/measures/2-1-1-2")
    assert "第３期には引き継がれていません（終了）。" in ended
    assert "<ins>" not in ended.split("第３期での扱い")[1].split("関連する取組")[0]


def test_measure_page_facts_departments_and_contact(fake_client):
    html = page(fake_client, "/measures/3-1-1-2")
    assert "<dt>計画</dt><dd>第３期千葉市貧困対策アクションプラン</dd>" in html
    assert "<dt>項目</dt><dd>１－（１） 予防的施策の充実</dd>" in html
    assert "並び順から付けた番号です" in html  # no_inferred
    assert "<dt>状態</dt><dd>新規</dd>" in html
    assert f'href="/departments/{quote("健康支援課")}"' in html
    assert 'href="tel:0432389925"' in html
    assert "千葉市役所 高層棟8階" in html
    assert "第３期で新しく加わった取組です。" in html
    # Escaped, never executed: the summary holds markup.
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;妊娠" in html
    assert "<script>" not in html
    assert "このページ：https://navi.example.jp/measures/3-1-1-2" in html


def test_department_page_shows_only_filled_contact_fields(fake_client):
    filled = page(fake_client, f"/departments/{quote('健康支援課')}")
    assert "ケンコウシエンカ" in filled
    for label in ("所属", "電話", "場所", "ページ"):
        assert f"<dt>{label}</dt>" in filled
    assert 'href="https://www.city.chiba.jp/kenko/"' in filled
    assert "第３期の取組（2件）" in filled and "第２期の取組（1件）" in filled

    empty = page(fake_client, f"/departments/{quote('雇用推進課')}")
    assert "連絡先はまだ登録されていません。" in empty
    assert "<dt>電話</dt>" not in empty
    assert "第３期の取組はありません。" in empty

    bracketed = page(fake_client, f"/departments/{quote('各区社会援護（第一・第二）課')}")
    assert "<h1>各区社会援護（第一・第二）課</h1>" in bracketed
    assert "<dt>所属</dt><dd>各区役所</dd>" in bracketed


def test_a_javascript_url_in_the_data_is_not_a_link(fake_client):
    html = page(fake_client, f"/departments/{quote('保護課')}")
    assert "javascript:" not in html
    assert "連絡先はまだ登録されていません。" in html


def test_search_page_renders_the_answer(fake_client, fake_service, make_hit):
    data = fake_service.data
    fake_service.reply = Answer(
        "妊娠 相談",
        QuestionKind.EVERYDAY,
        (
            make_hit(
                data, "3-1-1-2", 9.5, Match("妊娠", "妊娠"), Match("相談", "悩み", "vocabulary")
            ),
        ),
        ("健康支援課",),
        False,
        notices=("お知らせです。",),
    )
    html = page(fake_client, "/search?q=妊娠の悩み")
    assert fake_service.asked == [("妊娠の悩み", "web")]
    assert "相談先の担当課" in html
    assert "当てはまる取組（1件）" in html
    assert 'href="/measures/3-1-1-2"' in html
    assert "手がかり：妊娠、悩み→相談" in html
    assert '<p class="notice">お知らせです。</p>' in html
    assert 'value="妊娠の悩み"' in html


def test_search_page_says_not_in_the_plan_and_suggests(fake_client, fake_service):
    fake_service.reply = Answer(
        "宇宙旅行", QuestionKind.EVERYDAY, (), (), True, suggestions=("家賃", "借金")
    )
    html = page(fake_client, "/search?q=宇宙旅行")
    assert "計画に当てはまる取組は見つかりませんでした" in html
    assert f'href="/search?q={quote("家賃")}"' in html
    assert "相談先の担当課" not in html


def test_department_question_links_the_department(fake_client, fake_service, make_hit):
    data = fake_service.data
    fake_service.reply = Answer(
        "健康支援課",
        QuestionKind.DEPARTMENT,
        (make_hit(data, "3-1-1-1", 5.0), make_hit(data, "3-1-1-2", 5.0)),
        ("健康支援課",),
        False,
        department="健康支援課",
    )
    html = page(fake_client, "/search?q=健康支援課の取組")
    assert f'「<a href="/departments/{quote("健康支援課")}">健康支援課</a>」の取組です。' in html


def test_empty_question_asks_for_one_without_searching(fake_client, fake_service):
    html = page(fake_client, "/search?q=%00%20%E2%80%8B")
    assert fake_service.asked == []
    assert "相談の内容を入力して「探す」を押してください。" in html


def test_a_failure_inside_answer_is_a_japanese_500_page_without_traceback(
    fake_client, fake_service, caplog
):
    fake_service.reply = RuntimeError("boom")
    response = fake_client.get("/search?q=家賃の相談")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "申し訳ありません。問題が発生しました" in html
    assert "Traceback" not in html and "boom" not in html
    assert 'name="q"' in html
    # The traceback goes to the log, the question does not.
    assert "boom" in caplog.text
    assert "家賃の相談" not in caplog.text


def test_a_reload_shows_the_new_data_on_the_next_request(fake_client, fake_service, make_plan):
    assert "データ版：2026-04-01 (aaaa)" in page(fake_client, "/")
    fake_service.index.data = make_plan("bbbb")
    assert "データ版：2026-04-01 (bbbb)" in page(fake_client, "/")


def test_official_plan_link_only_when_configured(fake_client):
    html = page(fake_client, "/")
    assert "出典：第３期千葉市貧困対策アクションプラン" in html
    assert '<a href="https://' not in html.split("<footer")[1]

"""Answers as Slack messages: Block Kit within its limits, plus a plain-text twin.

Pure functions of an Answer and the plan data: nothing here searches, posts or logs.
Everything that comes from a person (the question, a message) or from the data files is
escaped, so it can never ping a channel or pass for a link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from bot.corrections import MAX_SHOWN, NOT_IN_PLAN, UNKNOWN, WORDS_NOTICE
from bot.slack import payloads
from bot.slack.payloads import CorrectionContext, Snapshot
from bot.slack.text import clip, escape, fit_escaped, trim_sentences
from bot.surfaces import Surface
from index.model import (
    CURRENT_PLAN,
    Answer,
    Hit,
    Measure,
    PlanData,
    QuestionKind,
    Status,
)

# Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION = 3000
MAX_CONTEXT = 2000
MAX_BUTTON_TEXT = 75
MAX_HEADER = 150
MAX_MODAL_TITLE = 24  # a modal's title and its close button
MAX_PRIVATE_METADATA = 3000
MAX_MODAL_BLOCKS = 100
MAX_OPTION_TEXT = 75  # an option of a select
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100  # options one block_suggestion may answer with
MAX_TEXT = 3000  # the notification text; Slack allows more, people read less
MAX_PLAIN = 3900  # the whole answer as text, when blocks are refused

PAGE_SIZE = 3
SUMMARY_CHARS = 160
ECHO_CHARS = 200

ACTION_SHARE = "soudan_share"
ACTION_MORE = "soudan_more"
ACTION_HELPFUL = "soudan_helpful"
ACTION_NOT_HELPFUL = "soudan_not_helpful"
ACTION_SUGGEST = "soudan_suggest"  # one per button: soudan_suggest_0, _1, ...
ACTION_DIRECTORY = "soudan_directory"
ACTION_NEED = "soudan_need"  # one per button: soudan_need_0, _1, ...
# The 「正しい取組は？」 modal that 「違う」 opens.
CORRECTION_CALLBACK = "soudan_correct"
ACTION_CORRECT_PICK = "soudan_correct_pick"  # the external_select
ACTION_CORRECT_NOT_IN_PLAN = "soudan_correct_not_in_plan"
ACTION_CORRECT_UNKNOWN = "soudan_correct_unknown"
NEED_CARDS = 2  # measures shown per need; the rest behind that need's 「もっと見る」
MAX_NEED_BUTTONS = 20

EXAMPLES = (
    "家賃を滞納していて、来月には退去を求められそう",
    "中学生の子が家族の介護をしていて学校を休みがち",
    "40代の息子が長年ひきこもっている",
    "保護課の取組",
    "1-3-8",
    "第２期の取組は第３期でどうなった？",
)
PRIVACY_NOTE = "相談者の氏名・連絡先・番号などは入力せず、状況だけを書いてください。"
ERROR_TEXT = (
    "申し訳ありません。回答を作る途中で問題が起きました。"
    "時間をおいてもう一度お試しください。続くときは管理者にお知らせください。"
)
NOT_FOUND_TEXT = (
    "この質問に合う取組は、{source}には見つかりませんでした。"
    "言葉を変えてお試しいただくか、担当課の一覧から近い課にご相談ください。"
)
CORRECTION_TITLE = "正しい取組は？"
CORRECTION_ASK = (
    "どの取組が合っていましたか？番号（例: 1-4-1）・取組名・言葉で探して選んでください。"
)
CORRECTION_PLACEHOLDER = "取組名・番号・言葉で探す"
CORRECTION_THANKS = "ありがとうございます。今後の改善に使います。"


@dataclass(frozen=True, slots=True)
class Message:
    """A message to send: blocks, the notification text, and the whole of it as text."""

    blocks: list[dict] = field(default_factory=list)
    text: str = ""
    plain: str = ""

    def payload(self) -> dict:
        return {"blocks": self.blocks, "text": self.text}

    def plain_payload(self) -> dict:
        return {"text": self.plain or self.text}


@dataclass(frozen=True, slots=True)
class Links:
    """Where things live: the data to look names up in and the base of every link."""

    data: PlanData
    base_url: str
    plan_url_override: str = ""  # OFFICIAL_PLAN_URL; else the url in data/plans.csv

    @property
    def source_name(self) -> str:
        """The current plan's official name, from data/plans.csv."""
        return self.data.plan(CURRENT_PLAN).name

    @property
    def official_plan_url(self) -> str:
        return self.plan_url_override or self.data.plan(CURRENT_PLAN).url

    def measure_url(self, measure: Measure) -> str:
        return f"{self.base_url}/measures/{measure.id}"

    def department_url(self, name: str) -> str:
        return f"{self.base_url}/departments/{quote(name, safe='')}"

    def directory_url(self) -> str:
        return f"{self.base_url}/departments"


# ---------------------------------------------------------------- answers


def answer_message(
    answer: Answer,
    links: Links,
    *,
    surface: Surface,
    echo: str | None = None,
    share_question: str | None = None,
    reminder: str | None = None,
    words: tuple[str, ...] | None = None,
) -> Message:
    """The reply to a question.

    ``echo``: the question as typed, shown (escaped) above the answer. ``share_question``:
    None for no share button, else the question text the share may repost ("" for none).
    ``reminder``: the privacy reminder, shown first. ``words``: the question's content words
    (bot.corrections), carried by 「違う」 for the correction it asks for; None when no
    correction is asked for, which also leaves 「違う」 off a not-found reply.
    """
    top: list[dict] = []
    plain: list[str] = []
    if reminder:
        top.append(_context(f":warning: {escape(reminder)}"))
        plain.append(reminder)
    if echo:
        top.append(_context(f"質問: {fit_escaped(echo, ECHO_CHARS)}"))

    if answer.kind == QuestionKind.EMPTY:
        body, tail, text, body_plain = _help_parts(links)
    elif answer.kind == QuestionKind.DEPARTMENT:
        body, tail, text, body_plain = _department_parts(answer, links, surface)
    elif not answer.hits or (answer.abstained and answer.kind != QuestionKind.HISTORY):
        # Never an empty reply: no hits reads as "not found", with a way forward.
        body, tail, text, body_plain = _not_found_parts(answer, links, surface, words)
    else:
        body, tail, text, body_plain = _hits_parts(
            answer, links, surface, share_question, words or ()
        )
    plain.extend(body_plain)
    return _finish(top + body, tail + [_footer(links)], text, plain + [_footer_plain(links)])


def more_message(snapshot: Snapshot, links: Links) -> Message:
    """The next page of an answer, from the hits the 「もっと見る」 button carried."""
    answer = snapshot.answer(links.data)
    if not answer.hits:
        return notice_message("続きの取組はありません。データが更新された可能性があります。")
    page, rest = answer.hits[:PAGE_SIZE], answer.hits[PAGE_SIZE:]
    first = snapshot.shown + 1
    heading = f"続きの取組（{first}〜{first + len(page) - 1}件目）"
    body = [_section(f"*{heading}*")]
    plain = [heading]
    for hit in page:
        blocks, text = _card(hit, links)
        body.extend(blocks)
        plain.append(text)
    buttons = []
    if rest:
        more = Snapshot.of(answer, snapshot.surface, rest, shown=snapshot.shown + len(page))
        buttons.append(_button("もっと見る", ACTION_MORE, more.encode()))
    buttons.extend(_feedback_buttons(snapshot.surface, [h.measure for h in page]))
    tail = [_actions(buttons)] if buttons else []
    text = f"続きの取組 {len(page)}件"
    return _finish(body, tail + [_footer(links)], text, plain + [_footer_plain(links)])


def shared_message(snapshot: Snapshot, links: Links, user_id: str | None) -> Message:
    """An answer posted to the channel by the asker: who asked, the question if it may be
    reposted, the measures and whom to contact."""
    answer = snapshot.answer(links.data)
    who = f"<@{user_id}> さん" if user_id and _is_user_id(user_id) else "チームのメンバー"
    body = [_context(f"{who}が相談ナビで調べた結果を共有しました。")]
    plain = ["相談ナビで調べた結果の共有です。"]
    if snapshot.question:
        body.append(_section(f"*質問*\n{fit_escaped(snapshot.question, 1000)}"))
        plain.append(f"質問: {snapshot.question}")
    if not answer.hits:
        body.append(_section("共有できる取組がありませんでした。"))
    _add_cards(answer.hits[:PAGE_SIZE], answer.departments, links, body, plain)
    tail = []
    if answer.hits:
        shown = [h.measure for h in answer.hits[:PAGE_SIZE]]
        tail.append(_actions(_feedback_buttons(snapshot.surface, shown)))
    text = _summary_text(answer)
    return _finish(body, tail + [_footer(links)], text, plain + [_footer_plain(links)])


# ---------------------------------------------------------------- other messages


def help_message(links: Links, *, command: str = "/soudan") -> Message:
    body, tail, text, plain = _help_parts(links, command=command)
    return _finish(body, tail + [_footer(links)], text, plain + [_footer_plain(links)])


def directory_message(links: Links) -> Message:
    body, plain = _directory_blocks(links)
    return _finish(body, [_footer(links)], "担当課の一覧", [plain, _footer_plain(links)])


def notice_message(text: str) -> Message:
    """One short sentence of ours (escaped all the same)."""
    return _finish([_section(fit_escaped(text, MAX_SECTION))], [], text, [text])


def error_message() -> Message:
    return notice_message(ERROR_TEXT)


def thanks_message(helpful: bool) -> Message:
    if helpful:
        return notice_message("ご意見ありがとうございます。今後の改善に役立てます。")
    return notice_message(
        "ご意見ありがとうございます。合う取組が見つからないときは、言葉を変えてお試しいただくか、"
        "担当課の一覧から近い課にご相談ください。"
    )


def correction_view(context: CorrectionContext) -> dict:
    """The 「正しい取組は？」 modal: a type-ahead over the plan, or 計画にない / わからない.
    The context rides in private_metadata, so the choice needs nothing else."""
    blocks: list[dict] = [
        _section(CORRECTION_ASK),
        _actions(
            [
                {
                    "type": "external_select",
                    "action_id": ACTION_CORRECT_PICK,
                    "placeholder": _plain(CORRECTION_PLACEHOLDER, MAX_HEADER),
                    # Opening the menu lists the plan's first measures before anything is typed.
                    "min_query_length": 0,
                }
            ]
        ),
        _actions(
            [
                _button(NOT_IN_PLAN, ACTION_CORRECT_NOT_IN_PLAN, NOT_IN_PLAN),
                _button(UNKNOWN, ACTION_CORRECT_UNKNOWN, UNKNOWN),
            ]
        ),
    ]
    if context.words:
        blocks.append(_context(escape(WORDS_NOTICE)))
    # encode() stays within a button's 2,000 characters, below MAX_PRIVATE_METADATA.
    return {**_modal(blocks), "private_metadata": context.encode()}


def notice_view(text: str) -> dict:
    """The correction modal once answered (thanks, or why not): one sentence, closed by hand."""
    return _modal([_section(fit_escaped(text, MAX_SECTION))])


def measure_options(measures: Iterable[Measure]) -> list[dict]:
    """Options of the 「正しい取組は？」 select: "1-4-1 家計改善支援事業の実施"."""
    return [
        {
            "text": _plain(f"{m.short_id} {m.title}", MAX_OPTION_TEXT),
            "value": m.id[:MAX_OPTION_VALUE],
        }
        for m in list(measures)[:MAX_OPTIONS]
    ]


def home_view(links: Links) -> dict:
    """The App Home tab: how to ask, examples, the plan and data version, the directory."""
    data = links.data
    count = len(data.plan_measures(CURRENT_PLAN))
    period = data.plan(CURRENT_PLAN).period
    blocks: list[dict] = [
        _header("相談ナビ"),
        _section(
            f"{escape(links.source_name)}の取組から、相談内容に合うものと担当課を探します。\n"
            "相談者の状況をふだんの言葉で書いてください。"
        ),
        _section(
            "*聞き方*\n"
            "• どのチャンネルでも `/soudan 質問` （回答はあなただけに表示されます）\n"
            "• チャンネルで `@相談ナビ 質問` （回答はスレッドに届きます）\n"
            "• このアプリにダイレクトメッセージ\n"
            "• メッセージの「…」→「関連する取組を探す」（同僚の相談メモから探せます）"
        ),
        _section("*質問の例*\n" + "\n".join(f"• {escape(e)}" for e in EXAMPLES)),
        _context(f":lock: {escape(PRIVACY_NOTE)}"),
        _divider(),
        _section(
            "*対象の計画*\n"
            f"{_source_link(links)}{f'（{escape(period)}）' if period else ''}・取組 {count}件\n"
            f"データの版: {escape(data.version.label)}"
        ),
        _divider(),
    ]
    directory, _ = _directory_blocks(links)
    blocks.extend(directory)
    if len(blocks) > MAX_HOME_BLOCKS:
        blocks = blocks[: MAX_HOME_BLOCKS - 1] + [
            _context(f"<{links.directory_url()}|担当課の一覧（すべて）を開く>")
        ]
    return {"type": "home", "blocks": blocks}


# ---------------------------------------------------------------- parts of an answer

Parts = tuple[list[dict], list[dict], str, list[str]]  # body, tail, text, plain lines


def _hits_parts(
    answer: Answer,
    links: Links,
    surface: Surface,
    share_question: str | None,
    words: tuple[str, ...],
) -> Parts:
    body: list[dict] = []
    plain: list[str] = []
    if answer.notices:
        notices = "\n".join(escape(n) for n in answer.notices)
        body.append(_section(notices) if answer.kind == QuestionKind.HISTORY else _context(notices))
        plain.extend(answer.notices)
    buttons = []
    if len(answer.needs) > 1:
        page = _add_needs(answer, links, surface, body, plain)
    else:
        page, rest = answer.hits[:PAGE_SIZE], answer.hits[PAGE_SIZE:]
        _add_cards(page, answer.departments, links, body, plain)
        if rest:
            more = Snapshot.of(answer, surface, rest, shown=len(page))
            buttons.append(_button("もっと見る", ACTION_MORE, more.encode()))
    if answer.narrow:
        body.append(_section("*困りごとで絞り込む*（押すとその困りごとの取組を表示します）"))
        plain.append("困りごとで絞り込めます: " + "、".join(answer.narrow))
        body.extend(_need_buttons(answer.narrow, surface))
    if page:
        need = answer.needs[0].label if answer.needs else ""
        shown = [h.measure for h in page]
        buttons.extend(_feedback_buttons(surface, shown, need=need, words=words))
    if share_question is not None and page:
        share = Snapshot.of(answer, surface, page, question=share_question)
        buttons.append(_button("チャンネルに共有", ACTION_SHARE, share.encode(), style="primary"))
    tail = [_actions(buttons)] if buttons else []
    return body, tail, _summary_text(answer), plain


def _add_needs(answer: Answer, links: Links, surface: Surface, body: list, plain: list):
    """「この相談の困りごと（3）」, then each need with its best measures and its own
    「もっと見る」. Returns the measures shown, first of each need first."""
    heading = f"この相談の困りごと（{len(answer.needs)}）"
    labels = "、".join(n.label for n in answer.needs)
    body.append(_section(f"*{heading}*\n{escape(labels)}"))
    plain.append(f"{heading}: {labels}")
    shown: list[Hit] = []
    for need in answer.needs:
        page, rest = need.hits[:NEED_CARDS], need.hits[NEED_CARDS:]
        contact = "、".join(need.departments[:3])
        body.append(_section(f"*■ {escape(need.label)}*　相談先: {fit_escaped(contact, 300)}"))
        plain.append(f"■ {need.label}（相談先: {contact}）")
        for hit in page:
            blocks, text = _card(hit, links)
            body.extend(blocks)
            plain.append(text)
        if rest:
            more = Snapshot(
                surface,
                answer.kind,
                tuple((h.measure.id, h.why) for h in rest),
                need.departments,
                shown=len(page),
            )
            body.append(
                _actions([_button(f"{need.label}をもっと見る", ACTION_MORE, more.encode())])
            )
        shown.extend(page)
    contacts = _contacts(answer.departments, links)
    if contacts:
        body.append(contacts[0])
        plain.append(contacts[1])
    return tuple(shown)


def _need_buttons(labels: tuple[str, ...], surface: Surface) -> list[dict]:
    buttons = [
        _button(label, f"{ACTION_NEED}_{position}", payloads.suggestion_value(surface, label))
        for position, label in enumerate(labels[:MAX_NEED_BUTTONS])
    ]
    # Slack allows 25 elements an actions block; rows of five read better on a phone.
    return [_actions(buttons[i : i + 5]) for i in range(0, len(buttons), 5)]


def _department_parts(answer: Answer, links: Links, surface: Surface) -> Parts:
    name = answer.department or (answer.departments[0] if answer.departments else "")
    dept = links.data.department(name)
    measures = [h.measure for h in answer.hits]
    head = f"*<{links.department_url(name)}|{fit_escaped(name, 200)}>* の取組"
    head += f"（{links.data.plan(CURRENT_PLAN).short}・{len(measures)}件）" if measures else ""
    lines = [head]
    if dept is not None and dept.phone:
        lines.append(f":telephone_receiver: {escape(dept.phone)}")
    if dept is not None and dept.location:
        lines.append(escape(dept.location))
    body = [_section("\n".join(lines))]
    plain = [f"{name} の取組（{len(measures)}件）"]
    if not measures:
        message = f"{name} の取組は{links.source_name}にはありません。"
        body.append(_section(escape(message)))
        plain.append(message)
        return body, [], message, plain
    rows = [
        f"• <{links.measure_url(m)}|{fit_escaped(m.title, 300)}>（{m.citation}）" for m in measures
    ]
    for chunk in _chunks(rows, MAX_SECTION):
        body.append(_section(chunk))
    plain.extend(f"・{m.title}（{m.citation}）{links.measure_url(m)}" for m in measures)
    tail = [_actions(_feedback_buttons(surface, measures))]
    return body, tail, f"{name} の取組 {len(measures)}件", plain


def _not_found_parts(
    answer: Answer, links: Links, surface: Surface, words: tuple[str, ...] | None
) -> Parts:
    message = NOT_FOUND_TEXT.format(source=links.source_name)
    body = [_section(escape(message))]
    plain = [message]
    if answer.notices:
        body.append(_context("\n".join(escape(n) for n in answer.notices)))
        plain.extend(answer.notices)
    buttons = []
    if answer.suggestions:
        body.append(_section("*もしかして*（押すとその言葉で探します）"))
        plain.append("もしかして: " + "、".join(answer.suggestions))
        for position, term in enumerate(answer.suggestions[:5]):
            buttons.append(
                _button(
                    term,
                    f"{ACTION_SUGGEST}_{position}",
                    payloads.suggestion_value(surface, term),
                )
            )
    buttons.append(_button("担当課の一覧", ACTION_DIRECTORY, surface))
    if words is not None:
        # Nothing was shown to vote against: the nearby measures only help the choice.
        nearby = tuple(h.measure.id for h in answer.hits[:MAX_SHOWN])
        context = CorrectionContext(surface, nearby, "", words, vote=False)
        buttons.append(_button("違う", ACTION_NOT_HELPFUL, context.encode()))
    return body, [_actions(buttons)], "合う取組が見つかりませんでした。", plain


def _help_parts(links: Links, *, command: str = "/soudan") -> Parts:
    command = escape(command)
    body = [
        _section(
            "*相談ナビの使い方*\n"
            f"相談者の状況をふだんの言葉で書くと、{escape(links.source_name)}から"
            "合う取組と担当課、各取組のページへのリンクをお返しします。"
        ),
        _section(
            f"• `{command} 質問` … あなただけに回答（「チャンネルに共有」もできます）\n"
            "• `@相談ナビ 質問` … スレッドに回答\n"
            "• ダイレクトメッセージ … その場で回答\n"
            "• メッセージの「…」→「関連する取組を探す」 … そのメッセージの内容で検索"
        ),
        _section("*質問の例*\n" + "\n".join(f"• {escape(e)}" for e in EXAMPLES)),
        _context(f":lock: {escape(PRIVACY_NOTE)}"),
    ]
    plain = [
        "相談ナビの使い方: 相談者の状況をふだんの言葉で書くと、合う取組と担当課をお返しします。",
        f"例: {EXAMPLES[0]}",
        PRIVACY_NOTE,
    ]
    return body, [], "相談ナビの使い方", plain


# ---------------------------------------------------------------- pieces


def _card(hit: Hit, links: Links) -> tuple[list[dict], str]:
    """One measure: linked title, badge, plan/section/No., departments, summary, why."""
    m = hit.measure
    url = links.measure_url(m)
    departments = "、".join(m.departments) or "（担当課の記載なし）"
    lines = [
        f"*<{url}|{fit_escaped(m.title, 400)}>*  {_badge(m, links)}",
        f"{m.citation} ｜ 担当課: {fit_escaped(departments, 300)}",
    ]
    history = _history_line(m, links)
    if history:
        lines.append(history)
    summary = trim_sentences(m.summary, SUMMARY_CHARS)
    if summary:
        lines.append(fit_escaped(summary, 1200))
    blocks = [_section("\n".join(lines))]
    plain = f"・{m.title}（{m.citation}・{m.status.value}）担当課: {departments}\n  {url}"
    if hit.why:
        blocks.append(_context(f"一致: {fit_escaped(hit.why, 300)}"))
    return blocks, plain


def _badge(m: Measure, links: Links) -> str:
    if m.plan != CURRENT_PLAN:
        return f"`{links.data.plan(m.plan).short}・{m.status.value}`"
    return f"`{m.status.value}`"


def _history_line(m: Measure, links: Links) -> str:
    data = links.data
    if m.plan == CURRENT_PLAN:
        before = data.measure(m.predecessor) if m.predecessor else None
        if before is None:
            return ""
        return (
            f"<{links.measure_url(before)}|{before.citation}"
            f"「{fit_escaped(before.title, 200)}」> から引き継いでいます"
        )
    after = data.measure(m.successor) if m.successor else None
    if after is None or m.status == Status.ENDED:
        return f"{data.plan(CURRENT_PLAN).short}には引き継がれていません（終了）"
    return (
        f"<{links.measure_url(after)}|{after.citation}"
        f"「{fit_escaped(after.title, 200)}」> に引き継がれています（{m.status.value}）"
    )


def _add_cards(
    hits: tuple[Hit, ...], departments: tuple[str, ...], links: Links, body: list, plain: list
) -> None:
    """One card per hit, then the departments to contact: the body of every answer."""
    for hit in hits:
        blocks, text = _card(hit, links)
        body.extend(blocks)
        plain.append(text)
    contacts = _contacts(departments, links)
    if contacts:
        body.append(contacts[0])
        plain.append(contacts[1])


def _contacts(names: tuple[str, ...], links: Links) -> tuple[dict, str] | None:
    if not names:
        return None
    lines, plain = [], []
    for name in names[:8]:
        dept = links.data.department(name)
        phone = f"　:telephone_receiver: {escape(dept.phone)}" if dept and dept.phone else ""
        lines.append(f"• <{links.department_url(name)}|{fit_escaped(name, 200)}>{phone}")
        plain.append(name + (f"（{dept.phone}）" if dept and dept.phone else ""))
    text = "*相談先の担当課*\n" + "\n".join(lines)
    return _section(text), "相談先の担当課: " + "、".join(plain)


def _directory_blocks(links: Links) -> tuple[list[dict], str]:
    departments = sorted(links.data.departments, key=lambda d: (d.kana or d.name, d.name))
    rows = []
    for dept in departments:
        phone = f"　:telephone_receiver: {escape(dept.phone)}" if dept.phone else ""
        rows.append(f"• <{links.department_url(dept.name)}|{fit_escaped(dept.name, 200)}>{phone}")
    blocks = [_section(f"*担当課の一覧*（{len(departments)}課）")]
    blocks.extend(_section(chunk) for chunk in _chunks(rows, MAX_SECTION))
    plain = "担当課の一覧: " + "、".join(d.name for d in departments)
    return blocks, plain


def _feedback_buttons(
    surface: Surface,
    shown: list[Measure],
    *,
    need: str = "",
    words: tuple[str, ...] = (),
) -> list[dict]:
    """The vote is on the first measure shown; 「違う」 also carries what a correction needs."""
    # A measure that answers two needs is shown under each: counted once.
    ids = tuple(dict.fromkeys(m.id for m in shown))[:MAX_SHOWN]
    context = CorrectionContext(surface, ids, need, words)
    return [
        _button("役に立った", ACTION_HELPFUL, payloads.feedback_value(surface, shown[0].id)),
        _button("違う", ACTION_NOT_HELPFUL, context.encode()),
    ]


def _summary_text(answer: Answer) -> str:
    if not answer.hits:
        return "合う取組が見つかりませんでした。"
    if len(answer.needs) > 1:
        labels = "、".join(n.label for n in answer.needs)
        return f"この相談の困りごと（{len(answer.needs)}）: {labels}"
    first = answer.hits[0].measure.title
    return f"「{first}」など{len(answer.hits)}件の取組が見つかりました。"


def _source_link(links: Links) -> str:
    if links.official_plan_url:
        return f"<{links.official_plan_url}|{escape(links.source_name)}>"
    return escape(links.source_name)


def _footer(links: Links) -> dict:
    return _context(f"出典: {_source_link(links)} ｜ データ: {escape(links.data.version.label)}")


def _footer_plain(links: Links) -> str:
    return f"出典: {links.source_name}（データ: {links.data.version.label}）"


# ---------------------------------------------------------------- Block Kit elements


def _section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cap(mrkdwn, MAX_SECTION)}}


def _context(mrkdwn: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cap(mrkdwn, MAX_CONTEXT)}]}


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER)}}


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": clip(text, limit)}


def _modal(blocks: list[dict]) -> dict:
    return {
        "type": "modal",
        "callback_id": CORRECTION_CALLBACK,
        "title": _plain(CORRECTION_TITLE, MAX_MODAL_TITLE),
        "close": _plain("閉じる", MAX_MODAL_TITLE),
        "blocks": blocks,
    }


def _divider() -> dict:
    return {"type": "divider"}


def _button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict:
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, MAX_BUTTON_TEXT)},
        "action_id": action_id,
        "value": value[: payloads.MAX_VALUE],
    }
    if style:
        button["style"] = style
    return button


def _actions(elements: list[dict]) -> dict:
    return {"type": "actions", "elements": elements[:25]}


def _cap(mrkdwn: str, limit: int) -> str:
    """Already-escaped text cut to ``limit``, never inside an entity or a <link>."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: limit - 1]
    for opener, closer in (("&", ";"), ("<", ">")):
        start = cut.rfind(opener)
        if start != -1 and cut.find(closer, start) == -1:
            cut = cut[:start]
    return cut + "…"


def _chunks(rows: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for row in rows:
        row = _cap(row, limit)
        if current and len(current) + 1 + len(row) > limit:
            chunks.append(current)
            current = row
        else:
            current = f"{current}\n{row}" if current else row
    if current:
        chunks.append(current)
    return chunks


def _finish(body: list[dict], tail: list[dict], text: str, plain: list[str]) -> Message:
    """Body and tail (buttons, footer) within the block limit; the tail always survives."""
    room = MAX_BLOCKS - len(tail)
    if len(body) > room:
        body = body[: room - 1] + [_context("…表示しきれない分は省略しました。")]
    # text and plain are read as mrkdwn too: escaped here, from the raw strings given.
    return Message(
        body + tail, fit_escaped(text, MAX_TEXT), fit_escaped("\n".join(plain), MAX_PLAIN)
    )


def _is_user_id(value: str) -> bool:
    return value[:1] in ("U", "W") and value[1:].isalnum() and value.isupper() and len(value) < 24

"""The HTML pages. Ranking is not done here: /search shows what service.answer() returns."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.corrections import WORDS_NOTICE, Correction
from bot.surfaces import Surface
from bot.web.catalog import PLANS, history_note
from bot.web.correct import MAX_BODY_BYTES, CorrectionForm, FormProblem, answer_need, shown_ids
from bot.web.query import Query, clean_query, notices_for, question_of
from bot.web.state import web_state
from index.model import CURRENT_PLAN, QuestionKind

pages = Blueprint("pages", __name__)


@pages.get("/")
def index() -> str:
    catalog = web_state().catalog()
    return render_template("index.html", plan=CURRENT_PLAN, chapters=catalog.chapters[CURRENT_PLAN])


@pages.get("/plans/<int:plan>")
def plan(plan: int) -> str | Response:
    if plan == CURRENT_PLAN:
        return redirect(url_for("pages.index"))
    if plan not in PLANS:
        abort(404)
    return render_template("plan.html", plan=plan, chapters=web_state().catalog().chapters[plan])


# The search form posts to /ask, the one page that takes a body: a question is moved into
# /search?q=… (so results can be kept and shared) only while the address fits the request
# line servers accept (gunicorn's limit_request_line, gunicorn.conf.py); a longer one is
# answered from the POST itself.
MAX_SEARCH_URL_BYTES = 8000


@pages.get("/search")
def search() -> str:
    return _search_page(question_of(request), clean_query(request.args.get("need")).text)


@pages.post("/ask")
def ask() -> str | Response:
    query = clean_query(request.form.get("q"))
    url = url_for("pages.search", q=query.text) if query.text else url_for("pages.search")
    if not query.shortened and len(url.encode()) <= MAX_SEARCH_URL_BYTES:
        return redirect(url, code=303)
    return _search_page(query, "")


def _search_page(query: Query, need: str) -> str:
    notices = notices_for(query)
    answer = None
    service = web_state().service
    if need and service.data.need(need) is not None:
        # A need chosen under a vague answer: its measures, as if it had been asked.
        answer = service.answer_need(need, surface=Surface.WEB)
    elif query.text:
        answer = service.answer(query.text, surface=Surface.WEB)
        notices = notices_for(query, answer.notices)
    correction = None
    if answer is not None and answer.kind != QuestionKind.EMPTY and service.learning:
        correction = {
            "shown": shown_ids(answer),
            "need": answer_need(answer, need),
            "choices": web_state().catalog().measure_choices,
            "notice": WORDS_NOTICE,
        }
    return render_template(
        "search.html",
        q=query.text,
        answer=answer,
        notices=notices,
        need=need if answer else "",
        correction=correction,
    )


@pages.post("/correct")
def correct() -> tuple[str, int]:
    """What was right instead of the answer shown (the form under an answer on /search)."""
    service = web_state().service
    if not service.learning:
        return render_template("correct.html", outcome="off", back=url_for("pages.search")), 404
    # Checked before the body is read: the form is small, and another site's page must not
    # be able to post corrections in a caseworker's browser.
    request.max_content_length = MAX_BODY_BYTES
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return _correction_refused(FormProblem("unreadable"), "")
    # Read first, so a refused form still links back to its answer.
    question = clean_query(request.form.get("q")).text
    try:
        form = CorrectionForm.read(request.form)
        chosen = form.chosen(service.data, service.pick_measures)
    except FormProblem as problem:
        return _correction_refused(problem, question)
    need = form.need if service.data.need(form.need) is not None else ""
    correction = Correction.of(chosen, form.shown, need, service.question_words(question))
    if correction is None:  # chosen is checked above; kept in case Correction.of tightens
        return _correction_refused(FormProblem("unreadable"), question)
    # The pages have no login: the address stands in for the person, and the store keeps
    # only its hash. Behind one proxy every page user has the proxy's address and counts
    # as one person, which only makes the proposals built from corrections more cautious.
    user_id = "web:" + (request.remote_addr or "")
    recorded = service.correct(correction, surface=Surface.WEB, user_id=user_id)
    back = _search_url(question, need)
    if not recorded:
        return render_template("correct.html", outcome="failed", back=back), 503
    return render_template("correct.html", outcome="thanks", back=back), 200


def _correction_refused(problem: FormProblem, question: str) -> tuple[str, int]:
    page = render_template(
        "correct.html", outcome="refused", message=problem.message, back=_search_url(question, "")
    )
    return page, 400


def _search_url(question: str, need: str) -> str:
    """Back to the answer the form was under, while its address fits a request line."""
    if question:
        url = url_for("pages.search", q=question)
        if len(url.encode()) <= MAX_SEARCH_URL_BYTES:
            return url
    elif need:
        return url_for("pages.search", need=need)
    return url_for("pages.search")


@pages.get("/measures/<measure_id>")
def measure(measure_id: str) -> str | Response:
    state = web_state()
    catalog = state.catalog()
    found = catalog.data.measure(measure_id)
    if found is None:
        # Caseworkers write "1-3-8" for the current plan's row; the permalink carries the plan.
        current = catalog.data.measure(f"{CURRENT_PLAN}-{measure_id}")
        if current is not None:
            return redirect(url_for("pages.measure", measure_id=current.id), code=301)
        abort(404)
    changes = catalog.history(found)
    return render_template(
        "measure.html",
        measure=found,
        section=catalog.section_view(found),
        departments=[(name, catalog.data.department(name)) for name in found.departments],
        changes=changes,
        history_note=history_note(found, changes),
        same_department=catalog.same_department(found),
        same_section=catalog.same_section(found),
    )


@pages.get("/departments")
def departments() -> str:
    return render_template("departments.html", rows=web_state().catalog().departments)


@pages.get("/departments/<path:name>")
def department(name: str) -> str:
    catalog = web_state().catalog()
    found = catalog.data.department(name)
    if found is None:
        abort(404)
    return render_template(
        "department.html",
        department=found,
        measures=catalog.department_measures(name),
    )

"""The corrections loop end to end: corrected answers become proposals, a person applies
them, and the corrected questions are answered right while the other sets hold."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.commands.suggest import suggest
from bot.corrections import NOT_IN_PLAN, Correction, question_words
from bot.settings import Settings
from bot.store import SqliteStore
from bot.surfaces import Surface
from index.answer import answer
from index.engine import Index, build
from index.evaluate import evaluate, read_cases
from index.load import load

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REPLAYED = "team.jsonl"  # a tuning set: its wrong answers are the corrections
USERS = ("U-replay-1", "U-replay-2")


def first(result) -> str:
    if result.abstained or not result.hits:
        return NOT_IN_PLAN
    return result.hits[0].measure.id


def wrong_answers(index: Index) -> list[tuple[str, str, tuple[str, ...]]]:
    """(question, the right measure or 計画にない, what was shown) of each wrong first answer."""
    out = []
    for case in read_cases(FIXTURES / REPLAYED):
        result = answer(case.q, index)
        right = f"3-{case.relevant[0]}" if case.relevant else NOT_IN_PLAN
        if first(result) != right:
            out.append((case.q, right, tuple(h.measure.id for h in result.hits[:5])))
    return out


def hit1(index: Index, name: str) -> float:
    cases = read_cases(FIXTURES / name)
    return evaluate(cases, lambda q: answer(q, index)).summary()["hit@1"]


def test_corrections_become_data_that_answers_them(tmp_path, data_copy, index, analyzer):
    wrong = wrong_answers(index)
    assert len(wrong) >= 10  # enough to say something
    db = tmp_path / "soudan.db"
    store = SqliteStore(Settings(db_path=db), names=analyzer)
    for question, right, shown in wrong:
        correction = Correction.of(right, shown, "", question_words(question, analyzer))
        for user in USERS:  # two caseworkers each, as the proposals need
            store.record_correction(correction, surface=Surface.SLASH, user_id=user)
    store.close()

    runner = CliRunner()
    proposed = runner.invoke(suggest, ["--csv", "--db", str(db), "--data", str(data_copy)])
    assert proposed.exit_code == 0, proposed.output
    rows = tmp_path / "提案.csv"
    rows.write_bytes(proposed.stdout_bytes)
    assert rows.read_text(encoding="utf-8-sig").startswith("id,phrase\n")

    applied = runner.invoke(
        suggest,
        ["--apply", str(rows), "--data", str(data_copy), "--eval", str(FIXTURES / "dev.jsonl")],
    )
    assert applied.exit_code == 0, applied.output
    assert "データの検査: 問題ありません" in applied.output
    assert "dev.jsonl" in applied.output and "→" in applied.output

    after = build(load(data_copy), analyzer)
    fixed = sum(first(answer(q, after)) == right for q, right, _ in wrong)
    assert fixed / len(wrong) >= 0.6, f"{fixed}/{len(wrong)} corrected questions now right"

    # The other sets: none drops more than one question in fifty, and together they gain.
    others = sorted(p.name for p in FIXTURES.glob("*.jsonl") if p.name != REPLAYED)
    changes = {name: hit1(after, name) - hit1(index, name) for name in others}
    assert min(changes.values()) >= -0.02, changes
    assert sum(changes.values()) >= 0, changes

    # Applying the same rows again adds nothing.
    again = runner.invoke(suggest, ["--apply", str(rows), "--data", str(data_copy)])
    assert again.exit_code == 0 and "加える行はありません" in again.output

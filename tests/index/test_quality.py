"""Search quality on the project's question sets must not fall below what we reached.

Every set here but the last blind pair (-l) is a development or tuning set: its questions
have been looked at and the search changed because of them, so these floors guard against
regressions and say nothing about questions nobody has written yet. The blind figure of
each set (measured once, before any change it inspired) is recorded in docs/search.md, with
the protocol.
Raise a floor when search gets better on that set; never tune data to one question.
"""

from pathlib import Path

import pytest

from index.answer import answer
from index.evaluate import evaluate, read_cases

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# dev.jsonl: the development set from ../shared (70).
DEV = {"hit@1": 0.93, "hit@3": 0.98, "department@1": 0.92, "abstain": 1.0}
# team.jsonl: blind 0.676 / 0.838 / abstain 3/6 at its first measurement; tuning since.
TEAM = {"hit@1": 0.85, "hit@3": 0.93, "department@1": 0.86, "abstain": 1.0}
# longtail.jsonl: blind 0.632 / 0.819 / abstain 0.526 at its first measurement; tuning since.
LONGTAIL = {"hit@1": 0.82, "hit@3": 0.90, "department@1": 0.78, "abstain": 0.97}
# longtail-b.jsonl: blind 0.734 / 0.909 / abstain 0.743 (build 28902e5); tuning since.
LONGTAIL_B = {"hit@1": 0.81, "hit@3": 0.90, "department@1": 0.83, "abstain": 1.0}
# casenotes.jsonl: blind needs@5 0.536 (case notes) at its first measurement; tuning since.
CASENOTES = {"hit@1": 0.86, "hit@3": 0.97, "department@1": 0.63, "needs@5": 0.85}
# casenotes-b.jsonl: blind needs@5 0.737 (build 28902e5); tuning since.
CASENOTES_B = {"hit@1": 0.79, "hit@3": 0.95, "department@1": 0.59, "needs@5": 0.88}
# longtail-c.jsonl and casenotes-c.jsonl: blind pair measured once on build 2a9e9af
# (0.735 / 0.871 / abstain 0.841; case notes needs@5 0.742); tuning sets since.
LONGTAIL_C = {"hit@1": 0.80, "hit@3": 0.89, "department@1": 0.81, "abstain": 0.88}
CASENOTES_C = {"hit@1": 0.85, "hit@3": 0.93, "department@1": 0.66, "needs@5": 0.85}
# longtail-d.jsonl and casenotes-d.jsonl: written blind, measured once on build f2b5d4e
# (0.841 / 0.918 / abstain 0.729; case notes needs@5 0.710); tuning sets since.
LONGTAIL_D = {"hit@1": 0.87, "hit@3": 0.94, "department@1": 0.86, "abstain": 0.77}
CASENOTES_D = {"hit@1": 0.81, "hit@3": 0.89, "department@1": 0.81, "needs@5": 0.80}
# longtail-e.jsonl and casenotes-e.jsonl: blind pair written while this work went on and
# measured once on build 5f08448 (hit@1 0.851, hit@3 0.932, department 0.887,
# abstain 0.820; case notes needs@5 0.778); tuning sets since.
LONGTAIL_E = {"hit@1": 0.85, "hit@3": 0.92, "department@1": 0.87, "abstain": 0.92}
CASENOTES_E = {"hit@1": 0.82, "hit@3": 0.91, "department@1": 0.65, "needs@5": 0.79}
# longtail-f.jsonl and casenotes-f.jsonl: blind pair measured once on build 39f1d9f
# (0.794 / 0.881 / abstain 0.797; case notes needs@5 0.741); tuning sets since.
LONGTAIL_F = {"hit@1": 0.80, "hit@3": 0.88, "department@1": 0.82, "abstain": 0.82}
CASENOTES_F = {"hit@1": 0.76, "hit@3": 0.90, "department@1": 0.61, "needs@5": 0.77}
# longtail-g.jsonl and casenotes-g.jsonl: blind pair measured once on build 475206e
# (0.791 / 0.899 / abstain 0.879 / false abstain 0.065; case notes needs@5 0.720); tuning since.
LONGTAIL_G = {"hit@1": 0.79, "hit@3": 0.89, "department@1": 0.81, "abstain": 0.86}
# hit@1 0.79 -> 0.78: one multi-need question leads with its named need since a named need
# stands without a vote (needs@5 +0.08 summed over the tuning sets for it).
CASENOTES_G = {"hit@1": 0.78, "hit@3": 0.89, "department@1": 0.66, "needs@5": 0.76}
# longtail-h.jsonl and casenotes-h.jsonl: blind pair measured once on build 9b19761
# (0.874 / 0.946 / abstain 0.873; case notes needs@5 0.712); tuning sets since.
LONGTAIL_H = {"hit@1": 0.87, "hit@3": 0.94, "department@1": 0.87, "abstain": 0.87}
CASENOTES_H = {"hit@1": 0.73, "hit@3": 0.88, "department@1": 0.60, "needs@5": 0.76}

# longtail-i.jsonl and casenotes-i.jsonl: written blind, measured once on build ba0c195
# (0.877 / 0.930 / department 0.906 / abstain 0.878 / false abstain 0; case notes first
# 0.833, needs@5 0.789, department 0.769; multi needs@5 0.817); tuning sets since.
LONGTAIL_I = {"hit@1": 0.87, "hit@3": 0.92, "department@1": 0.90, "abstain": 0.87}
CASENOTES_I = {"hit@1": 0.84, "hit@3": 0.95, "department@1": 0.79, "needs@5": 0.79}
# longtail-j.jsonl and casenotes-j.jsonl: blind pair measured once on build 8ca017a
# (0.901 / 0.958 / department 0.885 / abstain 0.867 / false abstain 0.016; case notes first
# 0.775, needs@5 0.740, department 0.676; multi needs@5 0.857); floors at those figures.
LONGTAIL_J = {"hit@1": 0.90, "hit@3": 0.95, "department@1": 0.87, "abstain": 0.86}
CASENOTES_J = {"hit@1": 0.80, "hit@3": 0.90, "department@1": 0.66, "needs@5": 0.78}
# longtail-k.jsonl and casenotes-k.jsonl: blind pair measured once on build 085733f (0.814 /
# 0.928 / department 0.844 / abstain 0.805 / false abstain 0; case notes first 0.783,
# needs@5 0.776, department 0.580; multi needs@5 0.870); tuning sets since.
LONGTAIL_K = {"hit@1": 0.81, "hit@3": 0.92, "department@1": 0.83, "abstain": 0.80}
CASENOTES_K = {"hit@1": 0.81, "hit@3": 0.94, "department@1": 0.64, "needs@5": 0.80}
# longtail-l.jsonl and casenotes-l.jsonl: the last blind pair, measured once on the final
# build cf41843 (0.899 / 0.975 / department 0.874 / abstain 0.857 / false abstain 0.005; case
# notes first 0.766, needs@5 0.739, department 0.623; multi needs@5 0.826). Nothing has been
# changed because of them: these floors are those figures.
LONGTAIL_L = {"hit@1": 0.89, "hit@3": 0.97, "department@1": 0.87, "abstain": 0.85}
CASENOTES_L = {"hit@1": 0.79, "hit@3": 0.89, "department@1": 0.62, "needs@5": 0.76}
# longtail-m.jsonl and casenotes-m.jsonl: blind pair written for the corrections stop and
# measured once on build 2e9e82d, whose search is that of cf41843 (0.817 / 0.909 /
# department 0.853 / abstain 0.860 / false abstain 0.020; case notes first 0.766, needs@5
# 0.790, department 0.792; multi needs@5 0.772). Floors at those figures.
LONGTAIL_M = {"hit@1": 0.81, "hit@3": 0.90, "department@1": 0.85, "abstain": 0.86}
CASENOTES_M = {"hit@1": 0.80, "hit@3": 0.93, "department@1": 0.83, "needs@5": 0.78}
# longtail-n.jsonl and casenotes-n.jsonl: a blind pair written during the same stop
# and measured once on its final search build 34d3681 (0.914 / 0.949 / department 0.924 /
# abstain 0.907 / false abstain 0.005; case notes first 0.779, needs@5 0.739, department
# 0.922; multi needs@5 0.824). Nothing was changed because of them: floors at those figures.
LONGTAIL_N = {"hit@1": 0.91, "hit@3": 0.94, "department@1": 0.92, "abstain": 0.90}
CASENOTES_N = {"hit@1": 0.81, "hit@3": 0.93, "department@1": 0.92, "needs@5": 0.76}
# longtail-o.jsonl and casenotes-o.jsonl: the last blind pair, measured once on the final
# build ae75f0f (0.853 / 0.914 / department 0.888 / abstain 0.814 / false abstain 0; case
# notes first 0.883, needs@5 0.815, department 0.870; multi needs@5 0.791). Floors at those.
LONGTAIL_O = {"hit@1": 0.85, "hit@3": 0.91, "department@1": 0.88, "abstain": 0.81}
CASENOTES_O = {"hit@1": 0.85, "hit@3": 0.94, "department@1": 0.87, "needs@5": 0.80}
# longtail-p/-q.jsonl and casenotes-p/-q.jsonl: two blind pairs written at the start of the
# next stop, measured once on build 2e949bc (search as 1ee5224): -p 0.810 / 0.903 /
# department 0.826 / abstain 0.711 / false abstain 0.015, case notes first 0.780, needs@5
# 0.795, department 0.805, multi needs@5 0.817; -q 0.881 / 0.943 / 0.866 / 0.717 / 0.005,
# case notes 0.787 / 0.782 / 0.825, multi 0.856. Floors at those figures; tuning sets since.
LONGTAIL_P = {"hit@1": 0.81, "hit@3": 0.90, "department@1": 0.82, "abstain": 0.71}
CASENOTES_P = {"hit@1": 0.77, "hit@3": 0.91, "department@1": 0.85, "needs@5": 0.80}
LONGTAIL_Q = {"hit@1": 0.88, "hit@3": 0.94, "department@1": 0.86, "abstain": 0.71}
CASENOTES_Q = {"hit@1": 0.84, "hit@3": 0.94, "department@1": 0.84, "needs@5": 0.80}


@pytest.mark.parametrize(
    ("name", "count", "floors", "false_abstain"),
    [
        ("dev.jsonl", 70, DEV, 0.0),
        ("team.jsonl", 80, TEAM, 0.02),
        ("longtail.jsonl", 209, LONGTAIL, 0.02),
        ("longtail-b.jsonl", 189, LONGTAIL_B, 0.01),
        ("casenotes.jsonl", 111, CASENOTES, 0.0),
        ("casenotes-b.jsonl", 110, CASENOTES_B, 0.01),
        ("longtail-c.jsonl", 214, LONGTAIL_C, 0.0),
        ("casenotes-c.jsonl", 108, CASENOTES_C, 0.0),
        ("longtail-d.jsonl", 268, LONGTAIL_D, 0.01),
        ("casenotes-d.jsonl", 136, CASENOTES_D, 0.01),
        ("longtail-e.jsonl", 272, LONGTAIL_E, 0.01),
        ("casenotes-e.jsonl", 157, CASENOTES_E, 0.015),
        ("longtail-f.jsonl", 307, LONGTAIL_F, 0.03),
        ("casenotes-f.jsonl", 153, CASENOTES_F, 0.0),
        ("longtail-g.jsonl", 344, LONGTAIL_G, 0.045),
        ("casenotes-g.jsonl", 184, CASENOTES_G, 0.01),
        ("longtail-h.jsonl", 302, LONGTAIL_H, 0.01),
        ("casenotes-h.jsonl", 179, CASENOTES_H, 0.01),
        ("longtail-i.jsonl", 212, LONGTAIL_I, 0.0),
        ("casenotes-i.jsonl", 128, CASENOTES_I, 0.01),
        ("longtail-j.jsonl", 236, LONGTAIL_J, 0.02),
        ("casenotes-j.jsonl", 121, CASENOTES_J, 0.01),
        ("longtail-k.jsonl", 208, LONGTAIL_K, 0.0),
        ("casenotes-k.jsonl", 117, CASENOTES_K, 0.0),
        ("longtail-l.jsonl", 240, LONGTAIL_L, 0.01),
        ("casenotes-l.jsonl", 128, CASENOTES_L, 0.0),
        ("longtail-m.jsonl", 240, LONGTAIL_M, 0.021),
        ("casenotes-m.jsonl", 128, CASENOTES_M, 0.0),
        ("longtail-n.jsonl", 240, LONGTAIL_N, 0.006),
        ("casenotes-n.jsonl", 128, CASENOTES_N, 0.0),
        ("longtail-o.jsonl", 240, LONGTAIL_O, 0.0),
        ("casenotes-o.jsonl", 128, CASENOTES_O, 0.008),
        ("longtail-p.jsonl", 240, LONGTAIL_P, 0.016),
        ("casenotes-p.jsonl", 136, CASENOTES_P, 0.0),
        ("longtail-q.jsonl", 240, LONGTAIL_Q, 0.006),
        ("casenotes-q.jsonl", 132, CASENOTES_Q, 0.0),
    ],
)
def test_question_sets_stay_at_or_above_the_floors(index, name, count, floors, false_abstain):
    cases = read_cases(FIXTURES / name)
    assert len(cases) == count
    summary = evaluate(cases, lambda q: answer(q, index)).summary()
    below = {k: round(summary[k], 3) for k, floor in floors.items() if summary[k] < floor}
    assert below == {}, f"search quality fell below the floor: {below}"
    assert summary["false_abstain"] <= false_abstain

"""The benchmarks are scripts that print numbers, not tests; what they read is tested here,
so a change to the code they call cannot leave them broken unnoticed."""

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_load_bench_sends_questions_without_client_details():
    from bot.slack.privacy import client_details

    questions = _script("load_bench").read_questions()
    assert len(questions) > 30
    assert not [q for q in questions if client_details(q, None)]


def test_the_search_bench_reads_its_questions_and_case_notes():
    bench = _script("search_bench")
    assert len(bench.read_questions()) == 70
    notes = bench.read_case_notes()
    assert notes and all(len(note) == bench.CASE_NOTE_CHARS for note in notes)


def test_the_search_bench_times_the_type_ahead_over_the_plan(index):
    bench = _script("search_bench")
    typed = bench.typed_in_select(index)
    assert len(typed) > 97 * 3
    samples = bench.time_picks(typed[:20], index, 1)
    assert len(samples) == 20 and all(s > 0 for s in samples)

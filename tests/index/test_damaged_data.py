"""Damaged data files: named precisely by `soudan data check`, never a traceback, and a
running bot keeps serving the data it had.

``test_load.py`` checks the messages of load() for hand-made damage, one kind at a time;
here the damage is random bytes too, the command line is what is run, and the reload
check of ``tests/bot/test_reload.py`` (an unknown department) is repeated for every kind
of damage to a file as a whole.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.service import Service
from bot.settings import Settings
from index.errors import DataError
from index.load import FILES, load

CSV_FILES = FILES
FLIPS_PER_FILE = 8
SEED = 20240607  # fixed, so a failure names bytes that can be flipped again


def check_command(data_dir: Path):
    return CliRunner().invoke(cli, ["data", "check", "--data", str(data_dir)])


def assert_every_problem_is_placed(error: DataError, data_dir: Path) -> None:
    """Each problem names a data file (or the folder) and, when it has one, a real line."""
    assert error.problems
    for problem in error.problems:
        name = Path(problem.file).name
        assert name in CSV_FILES or Path(problem.file) == data_dir, problem
        assert problem.message.strip(), problem
        if problem.line is not None:
            lines = (data_dir / name).read_bytes().count(b"\n") + 1
            assert 1 <= problem.line <= lines, problem


def flip_cases() -> list:
    rng = random.Random(SEED)
    cases = []
    source = Path(__file__).resolve().parents[2] / "data"
    for name in CSV_FILES:
        size = (source / name).stat().st_size
        for n in range(FLIPS_PER_FILE):
            position = rng.randrange(size)
            mask = rng.randrange(1, 256)
            cases.append(pytest.param(name, position, mask, id=f"{name}-{n}-at-{position}"))
    return cases


@pytest.mark.parametrize(("name", "position", "mask"), flip_cases())
def test_a_flipped_byte_loads_or_is_named_never_crashes(data_copy, name, position, mask):
    path = data_copy / name
    raw = bytearray(path.read_bytes())
    raw[position] ^= mask
    path.write_bytes(bytes(raw))
    try:
        load(data_copy)
    except DataError as error:
        assert_every_problem_is_placed(error, data_copy)
        result = check_command(data_copy)
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        assert str(error.problems[0]) in result.output
    # Any other exception fails the test: that is the point.


# ------------------------------------------------------------------ whole-file damage


def rewrite(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")


def cut_mid_row(data_dir: Path) -> str:
    path = data_dir / "measures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[40] = lines[40][: len(lines[40]) // 2]
    path.write_text("".join(lines[:41]), encoding="utf-8", newline="")
    return "measures.csv:41:"


def cut_mid_character(data_dir: Path) -> str:
    path = data_dir / "departments.csv"
    raw = path.read_bytes()
    start = raw.index("保護課".encode())  # a name on some line past the header
    path.write_bytes(raw[: start + 1])  # one byte of a three-byte character
    line = raw.count(b"\n", 0, start) + 1
    return f"departments.csv:{line}:"


def shift_jis(data_dir: Path) -> str:
    path = data_dir / "sections.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))
    return "sections.csv:2:"


def missing_column(data_dir: Path) -> str:
    def drop_departments(text: str) -> str:
        rows = [line.split(",") for line in text.splitlines()]
        at = rows[0].index("departments")
        # Rows with quoted commas would shift; the header alone is what is checked.
        return "\n".join(",".join(r[:at] + r[at + 1 :]) for r in rows) + "\n"

    rewrite(data_dir / "measures.csv", drop_departments)
    return "measures.csv:1:"


def duplicated_id(data_dir: Path) -> str:
    path = data_dir / "measures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if line.startswith("3-1-3-8,"))
    lines.insert(row + 1, lines[row])
    path.write_text("".join(lines), encoding="utf-8", newline="")
    return f"measures.csv:{row + 2}:"


def emptied(data_dir: Path) -> str:
    (data_dir / "vocabulary.csv").write_bytes(b"")
    return "vocabulary.csv: "


def binary_garbage(data_dir: Path) -> str:
    rng = random.Random(SEED)
    (data_dir / "plans.csv").write_bytes(bytes(rng.randrange(256) for _ in range(300)))
    return "plans.csv:"


DAMAGE = [cut_mid_row, cut_mid_character, shift_jis, missing_column, duplicated_id, emptied]


@pytest.mark.parametrize("damage", [*DAMAGE, binary_garbage], ids=lambda d: d.__name__)
def test_data_check_names_file_and_line_and_exits_2(data_copy, damage):
    where = damage(data_copy)
    result = check_command(data_copy)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert where in result.output
    assert re.search(r"データに\d+件の問題があります。", result.output)


@pytest.fixture
def live(data_copy: Path, index, tmp_path: Path) -> Service:
    """A service serving the real data, reloading from a copy the test damages."""
    settings = Settings(data_dir=data_copy, db_path=tmp_path / "soudan.db")
    return Service(settings, index)


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__)
def test_a_running_service_keeps_its_data_when_a_reload_meets_damage(live, data_copy, damage):
    question = "家賃を滞納していて退去を求められそう"
    version = live.data.version
    before = live.answer(question, surface="cli")
    damage(data_copy)
    error = live.reload()
    assert isinstance(error, DataError)
    assert live.data.version == version
    after = live.answer(question, surface="cli")
    assert [h.measure.id for h in after.hits] == [h.measure.id for h in before.hits]

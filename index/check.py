"""The checks of every data file, the contract with the staff who edit them: every problem
is reported at once, each naming file, line and column, so one round of fixes is enough.

One method a file kind (plans, sections, departments, measures, vocabulary, situations,
needs, conditions, outside); ``Checker.run`` reads them in the order they refer to each other.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from index.csvfile import CsvFile, read_csv, stray_whitespace
from index.errors import Problem
from index.model import (
    CURRENT_PLAN,
    MEASURE_ID,
    PREVIOUS_PLAN,
    Condition,
    DataVersion,
    Department,
    Measure,
    NeedCategory,
    OutsideTopic,
    Plan,
    PlanData,
    Section,
    Situation,
    Status,
    VocabEntry,
    VocabKind,
)
from index.text import normalize

MEASURES = "measures.csv"
SECTIONS = "sections.csv"
DEPARTMENTS = "departments.csv"
VOCABULARY = "vocabulary.csv"
PLANS = "plans.csv"
SITUATIONS = "situations.csv"
NEEDS = "needs.csv"
OUTSIDE = "outside.csv"
CONDITIONS = "conditions.csv"
FILES = (
    PLANS, SECTIONS, DEPARTMENTS, MEASURES, VOCABULARY, SITUATIONS, NEEDS, OUTSIDE, CONDITIONS,
)  # fmt: skip

MEASURE_COLUMNS = (
    "id", "plan", "section", "no", "no_inferred", "title", "summary",
    "departments", "status", "predecessor", "successor", "note",
)  # fmt: skip
SECTION_COLUMNS = ("plan", "section", "title")
PLAN_COLUMNS = ("plan", "name", "period", "url")
DEPARTMENT_COLUMNS = ("name", "kana", "bureau", "phone", "location", "url", "note")
VOCABULARY_COLUMNS = ("kind", "terms", "targets", "note")
SITUATION_COLUMNS = ("id", "phrase")
NEED_COLUMNS = ("need", "measures", "words", "catch_all", "urgent", "note")
OUTSIDE_COLUMNS = ("category", "words", "note")
CONDITION_COLUMNS = ("id", "words", "note")

LIST_SEPARATOR = ";"
VOCAB_KINDS = frozenset(VocabKind)

_SECTION = re.compile(r"^([1-9])-([1-9])$")
_KATAKANA = re.compile(r"^[ァ-ヶー・]+$")
_URL = re.compile(r"^https?://\S+$")
_PHONE = re.compile(r"^[0-9０-９()（）\-－ ]+$")


def shown_path(path: Path) -> str:
    """The path as people see it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split(LIST_SEPARATOR) if part != "")


class Checker:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, file: CsvFile, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file.shown, line, column, message))

    def read(self, name: str, columns: tuple[str, ...]) -> CsvFile | None:
        path = self.data_dir / name
        file = read_csv(path, shown_path(path), columns, self.problems)
        if file is not None:
            for row in file.rows:
                for column, value in row.values.items():
                    issue = stray_whitespace(value)
                    if issue:
                        self.problem(file, row.line, column, issue)
        return file

    def run(self) -> PlanData | None:
        if not self.data_dir.is_dir():
            self.problems.append(
                Problem(shown_path(self.data_dir), None, None, "データのフォルダがありません。")
            )
            return None
        files = {
            PLANS: self.read(PLANS, PLAN_COLUMNS),
            SECTIONS: self.read(SECTIONS, SECTION_COLUMNS),
            DEPARTMENTS: self.read(DEPARTMENTS, DEPARTMENT_COLUMNS),
            MEASURES: self.read(MEASURES, MEASURE_COLUMNS),
            VOCABULARY: self.read(VOCABULARY, VOCABULARY_COLUMNS),
            SITUATIONS: self.read(SITUATIONS, SITUATION_COLUMNS),
            NEEDS: self.read(NEEDS, NEED_COLUMNS),
            OUTSIDE: self.read(OUTSIDE, OUTSIDE_COLUMNS),
            CONDITIONS: self.read(CONDITIONS, CONDITION_COLUMNS),
        }
        plans = self.plans(files[PLANS]) if files[PLANS] else ()
        sections = self.sections(files[SECTIONS]) if files[SECTIONS] else ()
        departments = self.departments(files[DEPARTMENTS]) if files[DEPARTMENTS] else ()
        measures = self.measures(files[MEASURES], sections, departments) if files[MEASURES] else ()
        vocabulary = self.vocabulary(files[VOCABULARY], measures) if files[VOCABULARY] else ()
        current = {m.id for m in measures if m.plan == CURRENT_PLAN}
        situations = self.situations(files[SITUATIONS], current) if files[SITUATIONS] else ()
        needs = self.needs(files[NEEDS], current) if files[NEEDS] else ()
        outside = self.outside(files[OUTSIDE]) if files[OUTSIDE] else ()
        conditions = self.conditions(files[CONDITIONS], current) if files[CONDITIONS] else ()
        if self.problems:
            return None
        return PlanData(
            measures=measures,
            departments=departments,
            sections=sections,
            vocabulary=vocabulary,
            version=self.version(),
            plans=plans,
            situations=situations,
            needs=needs,
            outside=outside,
            conditions=conditions,
        )

    def version(self) -> DataVersion:
        digest = hashlib.sha256()
        newest = 0.0
        for name in FILES:
            path = self.data_dir / name
            digest.update(name.encode())
            digest.update(path.read_bytes())
            newest = max(newest, path.stat().st_mtime)
        date = datetime.fromtimestamp(newest, UTC).strftime("%Y-%m-%d")
        return DataVersion(digest.hexdigest()[:10], date)

    # --- plans.csv ----------------------------------------------------------------------

    def plans(self, file: CsvFile) -> tuple[Plan, ...]:
        out: dict[int, Plan] = {}
        for row in file.rows:
            v = row.values
            number = self.plan(file, row.line, v["plan"])
            if not v["name"]:
                self.problem(file, row.line, "name", "空欄です。")
            self.url(file, row.line, v["url"])
            if number is None:
                continue
            if number in out:
                self.problem(file, row.line, "plan", f"第{number}期が重複しています。")
            out[number] = Plan(number, v["name"], v["period"], v["url"])
        for number in (CURRENT_PLAN, PREVIOUS_PLAN):
            if number not in out and not any(p.file == file.shown for p in self.problems):
                self.problem(file, None, None, f"第{number}期の行がありません。")
        return tuple(sorted(out.values(), key=lambda p: p.number))

    # --- sections.csv -----------------------------------------------------------------

    def sections(self, file: CsvFile) -> tuple[Section, ...]:
        out: list[Section] = []
        seen: set[tuple[int, str]] = set()
        for row in file.rows:
            v = row.values
            plan = self.plan(file, row.line, v["plan"])
            if not _SECTION.match(v["section"]):
                self.problem(
                    file, row.line, "section", f"「{v['section']}」は 1-3 の形ではありません。"
                )
                continue
            if not v["title"]:
                self.problem(file, row.line, "title", "空欄です。")
            if plan is None:
                continue
            if (plan, v["section"]) in seen:
                self.problem(
                    file, row.line, "section", f"第{plan}期の {v['section']} が重複しています。"
                )
            seen.add((plan, v["section"]))
            out.append(Section(plan, v["section"], v["title"]))
        return tuple(sorted(out, key=lambda s: (s.plan, *map(int, s.code.split("-")))))

    def url(self, file: CsvFile, line: int, value: str) -> None:
        if value and not _URL.match(value):
            self.problem(file, line, "url", "http:// か https:// で始まる URL を書いてください。")

    def plan(self, file: CsvFile, line: int, value: str) -> int | None:
        if value not in ("2", "3"):
            self.problem(file, line, "plan", f"「{value}」は 2 か 3 ではありません。")
            return None
        return int(value)

    # --- departments.csv ---------------------------------------------------------------

    def departments(self, file: CsvFile) -> tuple[Department, ...]:
        out: list[Department] = []
        seen: set[str] = set()
        for row in file.rows:
            v = row.values
            if not v["name"]:
                self.problem(file, row.line, "name", "空欄です。")
                continue
            if v["name"] in seen:
                self.problem(file, row.line, "name", f"「{v['name']}」が重複しています。")
            seen.add(v["name"])
            if not _KATAKANA.match(v["kana"]):
                self.problem(file, row.line, "kana", "読みは全角カタカナで書いてください。")
            self.url(file, row.line, v["url"])
            if v["phone"] and not _PHONE.match(v["phone"]):
                self.problem(file, row.line, "phone", "電話番号は数字とハイフンで書いてください。")
            out.append(
                Department(v["name"], v["kana"], v["bureau"], v["phone"], v["location"], v["url"])
            )
        return tuple(out)

    # --- measures.csv ------------------------------------------------------------------

    def measures(
        self,
        file: CsvFile,
        sections: tuple[Section, ...],
        departments: tuple[Department, ...],
    ) -> tuple[Measure, ...]:
        before = len(self.problems)
        section_titles = {(s.plan, s.code): s.title for s in sections}
        known_departments = {d.name for d in departments}
        rows: dict[str, tuple[int, dict[str, str]]] = {}
        numbers: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
        for row in file.rows:
            v = row.values
            match = self.measure_id(file, row.line, v["id"], rows)
            if match is None:
                continue
            rows[v["id"]] = (row.line, v)
            self.measure_row(file, row.line, v, match, section_titles, known_departments, numbers)
        self.numbering(file, numbers)
        self.history(file, rows)
        if len(self.problems) > before or any(p.file == file.shown for p in self.problems):
            return ()
        measures = [
            Measure(
                id=v["id"],
                plan=int(v["plan"]),
                section=v["section"],
                section_title=section_titles[(int(v["plan"]), v["section"])],
                no=int(v["no"]),
                no_inferred=v["no_inferred"] == "1",
                title=v["title"],
                summary=v["summary"],
                departments=split_list(v["departments"]),
                status=Status(v["status"]),
                predecessor=v["predecessor"] or None,
                successor=v["successor"] or None,
                note=v["note"],
            )
            for _, v in rows.values()
        ]
        return tuple(sorted(measures, key=_measure_order))

    def measure_id(
        self, file: CsvFile, line: int, value: str, rows: dict[str, tuple[int, dict[str, str]]]
    ) -> re.Match[str] | None:
        """The id's parts, or None (and a problem) when it is empty, malformed or repeated."""
        if not value:
            # Said as every other empty cell is, not as an id of the wrong shape: 「」 is
            # easy to miss on a screen.
            self.problem(file, line, "id", "空欄です。")
            return None
        match = MEASURE_ID.fullmatch(value)
        if not match:
            self.problem(
                file, line, "id", f"「{value}」は 3-1-3-8 の形（期-章-節-番号）ではありません。"
            )
            return None
        if value in rows:
            self.problem(
                file, line, "id", f"「{value}」が重複しています（{rows[value][0]}行目と同じ）。"
            )
            return None
        return match

    def measure_row(
        self,
        file: CsvFile,
        line: int,
        v: dict[str, str],
        match: re.Match[str],
        section_titles: dict[tuple[int, str], str],
        known_departments: set[str],
        numbers: dict[tuple[int, str], list[tuple[int, int]]],
    ) -> None:
        """Every column of one row against its id, the sections and the departments."""
        plan = self.plan(file, line, v["plan"])
        id_plan, chapter, section, no = match.groups()
        if plan is not None and str(plan) != id_plan:
            self.problem(file, line, "plan", f"id「{v['id']}」の期と合いません。")
        if v["section"] != f"{chapter}-{section}":
            self.problem(file, line, "section", f"id「{v['id']}」の章・節と合いません。")
        elif plan is not None and (plan, v["section"]) not in section_titles:
            self.problem(
                file,
                line,
                "section",
                f"第{plan}期の節「{v['section']}」が {SECTIONS} にありません。",
            )
        if v["no"] != no:
            self.problem(file, line, "no", f"id「{v['id']}」の番号と合いません。")
        else:
            numbers[(int(id_plan), v["section"])].append((int(no), line))
        if v["no_inferred"] not in ("", "1"):
            self.problem(file, line, "no_inferred", "空欄か 1 にしてください。")
        for column in ("title", "summary", "departments"):
            if not v[column]:
                self.problem(file, line, column, "空欄です。")
        for name in split_list(v["departments"]):
            if name not in known_departments:
                self.problem(file, line, "departments", f"未登録の担当課「{name}」")
        if (
            v["departments"]
            and len(split_list(v["departments"])) != v["departments"].count(LIST_SEPARATOR) + 1
        ):
            self.problem(file, line, "departments", "区切りの「;」の前後が空です。")

    def numbering(self, file: CsvFile, numbers: dict[tuple[int, str], list[tuple[int, int]]]):
        for (plan, section), found in sorted(numbers.items()):
            present = {no for no, _ in found}
            missing = sorted(set(range(1, max(present) + 1)) - present)
            if missing:
                last_line = max(line for _, line in found)
                listed = "、".join(map(str, missing))
                self.problem(
                    file,
                    last_line,
                    "no",
                    f"第{plan}期 {section} の番号が抜けています（No.{listed}）。",
                )

    def history(self, file: CsvFile, rows: dict[str, tuple[int, dict[str, str]]]) -> None:
        for measure_id, (line, v) in rows.items():
            plan = v["plan"]
            status = v["status"]
            current = plan == str(CURRENT_PLAN)
            allowed = (
                (Status.NEW, Status.CONTINUED)
                if current
                else (Status.CONTINUED, Status.MOVED, Status.ENDED)
            )
            if status not in allowed:
                self.problem(
                    file,
                    line,
                    "status",
                    f"第{plan}期の行は「{'・'.join(allowed)}」のどれかです（「{status}」）。",
                )
            own, other = ("predecessor", "successor") if current else ("successor", "predecessor")
            if v[other]:
                self.problem(file, line, other, f"第{plan}期の行では空欄にしてください。")
            link = v[own]
            if current and status in allowed and (status == Status.CONTINUED) != bool(link):
                self.problem(
                    file, line, "status", "継続なら predecessor が必要で、新規なら空欄です。"
                )
            if not current and status in allowed and (status != Status.ENDED) != bool(link):
                self.problem(
                    file, line, "status", "継続・移転なら successor が必要で、終了なら空欄です。"
                )
            if not link:
                continue
            target = rows.get(link)
            if target is None:
                self.problem(file, line, own, f"「{link}」という id の行がありません。")
                continue
            target_line, tv = target
            if tv["plan"] == plan:
                self.problem(file, line, own, f"「{link}」は別の期の行を指してください。")
            elif tv[other] != measure_id:
                self.problem(
                    file,
                    line,
                    own,
                    f"「{link}」（{target_line}行目）の {other} が「{measure_id}」を指していません。",
                )
            if not current and status == Status.MOVED and tv["section"] == v["section"]:
                self.problem(file, line, "status", "移転なのに移転先が同じ節です。")

    def unused_words(self, file, line, kind, terms, targets, plan_text) -> None:
        """Warn about words that cannot help search: a 展開 target the plan never uses, or a
        同義 group none of whose words is in the plan."""
        if kind == VocabKind.EXPAND:
            missing = _unused(targets, plan_text)
            column = "targets"
        else:
            missing = terms if len(_unused(terms, plan_text)) == len(terms) else []
            column = "terms"
        for word in missing:
            self.warnings.append(
                Problem(
                    file.shown,
                    line,
                    column,
                    f"「{word}」は計画の本文にありません（検索には効きません）。",
                )
            )

    # --- vocabulary.csv ---------------------------------------------------------------

    def vocabulary(self, file: CsvFile, measures: tuple[Measure, ...]) -> tuple[VocabEntry, ...]:
        plan_text = normalize(
            " ".join(f"{m.title} {m.summary} {' '.join(m.departments)}" for m in measures)
        )
        out: list[VocabEntry] = []
        seen: dict[tuple[str, str], int] = {}
        for row in file.rows:
            v = row.values
            kind = v["kind"]
            if kind not in VOCAB_KINDS:
                hint = "（計画外の話題は outside.csv に書きます）" if kind == "対象外" else ""
                self.problem(
                    file,
                    row.line,
                    "kind",
                    f"「{kind}」ではなく「同義」「展開」のどちらかにしてください{hint}。",
                )
                continue
            terms = split_list(v["terms"])
            targets = split_list(v["targets"])
            if not terms:
                self.problem(file, row.line, "terms", "空欄です。")
                continue
            if kind == VocabKind.SYNONYM and len(terms) < 2:
                self.problem(
                    file, row.line, "terms", "同義には「;」で区切って二つ以上の語を書いてください。"
                )
            if kind == VocabKind.SYNONYM and targets:
                self.problem(
                    file,
                    row.line,
                    "targets",
                    "同義の行では空欄にしてください（terms に並べます）。",
                )
            if kind == VocabKind.EXPAND and not targets:
                self.problem(file, row.line, "targets", "展開の行には検索に加える語が必要です。")
            for column, words in (("terms", terms), ("targets", targets)):
                for word in words:
                    if word != word.strip() or not word.strip():
                        self.problem(
                            file, row.line, column, f"語「{word}」の前後に空白があります。"
                        )
                    elif len(normalize(word)) < 2 and not word.isascii():
                        self.problem(
                            file,
                            row.line,
                            column,
                            f"一文字の語「{word}」は使えません（他の語の中で一致してしまいます）。",
                        )
            for term in terms:
                key = (kind, normalize(term))
                if kind == VocabKind.SYNONYM and key in seen:
                    self.problem(
                        file, row.line, "terms", f"「{term}」は {seen[key]}行目の同義にもあります。"
                    )
                seen.setdefault(key, row.line)
            if measures:
                self.unused_words(file, row.line, kind, terms, targets, plan_text)
            out.append(VocabEntry(row.line, kind, terms, targets, v["note"]))
        # A synonym group where no word is in the plan only helps if some 展開 leads into it;
        # that is a warning above, not an error.
        return tuple(out)

    # --- situations.csv ----------------------------------------------------------------

    def situations(self, file: CsvFile, current: set[str]) -> tuple[Situation, ...]:
        out: list[Situation] = []
        seen: dict[tuple[str, str], int] = {}
        for row in file.rows:
            v = row.values
            measure_id, phrase = v["id"], v["phrase"]
            ok = self.current_id(file, row.line, "id", measure_id, current)
            if not phrase:
                self.problem(file, row.line, "phrase", "空欄です。")
                continue
            if len(normalize(phrase)) < 2 and not phrase.isascii():
                self.problem(file, row.line, "phrase", f"一文字の語「{phrase}」は使えません。")
                continue
            key = (measure_id, normalize(phrase))
            if key in seen:
                self.problem(
                    file,
                    row.line,
                    "phrase",
                    f"「{phrase}」は {seen[key]}行目と同じ取組に重複しています。",
                )
                continue
            seen[key] = row.line
            if ok:
                out.append(Situation(row.line, measure_id, phrase))
        return tuple(out)

    def current_id(self, file: CsvFile, line: int, column: str, value: str, current) -> bool:
        """``current``: the 3rd plan's ids; empty when measures.csv itself failed, and then
        ids are not checked (its problems are reported once, not once per reference)."""
        if not value:
            self.problem(file, line, column, "空欄です。")
            return False
        if current and value not in current:
            self.problem(file, line, column, f"「{value}」は第３期の取組の id ではありません。")
            return False
        return True

    # --- needs.csv --------------------------------------------------------------------

    def needs(self, file: CsvFile, current: set[str]) -> tuple[NeedCategory, ...]:
        out: list[NeedCategory] = []
        seen: dict[str, int] = {}
        for row in file.rows:
            v = row.values
            label = v["need"]
            if not label:
                self.problem(file, row.line, "need", "空欄です。")
                continue
            if label in seen:
                self.problem(
                    file, row.line, "need", f"「{label}」は {seen[label]}行目と重複しています。"
                )
                continue
            seen[label] = row.line
            measures = split_list(v["measures"])
            words = split_list(v["words"])
            if not measures:
                self.problem(file, row.line, "measures", "空欄です。")
            ok = all([self.current_id(file, row.line, "measures", m, current) for m in measures])
            if len(set(measures)) != len(measures):
                self.problem(file, row.line, "measures", "同じ取組が二度あります。")
            if not words:
                self.problem(file, row.line, "words", "空欄です。")
            self.list_words(file, row.line, "words", words)
            if v["catch_all"] not in ("", "1"):
                self.problem(file, row.line, "catch_all", "空欄か 1 にしてください。")
            urgent = split_list(v["urgent"])
            self.list_words(file, row.line, "urgent", urgent)
            if ok and measures and words:
                out.append(
                    NeedCategory(
                        row.line,
                        label,
                        measures,
                        words,
                        v["catch_all"] == "1",
                        v["note"],
                        tuple(normalize(w) for w in urgent),
                    )
                )
        return tuple(out)

    def list_words(self, file: CsvFile, line: int, column: str, words) -> None:
        for word in words:
            if word != word.strip() or not word.strip():
                self.problem(file, line, column, f"語「{word}」の前後に空白があります。")

    # --- conditions.csv ---------------------------------------------------------------

    def conditions(self, file: CsvFile, current: set[str]) -> tuple[Condition, ...]:
        out: list[Condition] = []
        seen: dict[str, int] = {}
        for row in file.rows:
            v = row.values
            measure_id = v["id"]
            ok = self.current_id(file, row.line, "id", measure_id, current)
            if ok and measure_id in seen:
                self.problem(
                    file, row.line, "id", f"「{measure_id}」は {seen[measure_id]}行目にもあります。"
                )
                continue
            seen.setdefault(measure_id, row.line)
            words = split_list(v["words"])
            if not words:
                self.problem(file, row.line, "words", "空欄です。")
                continue
            self.list_words(file, row.line, "words", words)
            if len({normalize(w) for w in words}) != len(words):
                self.problem(file, row.line, "words", "同じ語が二度あります。")
            if ok:
                out.append(Condition(row.line, measure_id, words, v["note"]))
        return tuple(out)

    # --- outside.csv ------------------------------------------------------------------

    def outside(self, file: CsvFile) -> tuple[OutsideTopic, ...]:
        out: list[OutsideTopic] = []
        seen: dict[str, int] = {}
        for row in file.rows:
            v = row.values
            if not v["category"]:
                self.problem(file, row.line, "category", "空欄です。")
            words = split_list(v["words"])
            if not words:
                self.problem(file, row.line, "words", "空欄です。")
                continue
            self.list_words(file, row.line, "words", words)
            for word in words:
                key = normalize(word)
                if any(len(normalize(p)) < 2 and not p.isascii() for p in word.split("&")):
                    self.problem(file, row.line, "words", f"一文字の語「{word}」は使えません。")
                elif key in seen:
                    self.problem(
                        file, row.line, "words", f"「{word}」は {seen[key]}行目にもあります。"
                    )
                seen.setdefault(key, row.line)
            out.append(OutsideTopic(row.line, v["category"], words, v["note"]))
        return tuple(out)


def _unused(words, plan_text: str) -> list[str]:
    return [w for w in words if normalize(w) not in plan_text]


def _measure_order(m: Measure) -> tuple[int, int, int, int]:
    chapter, section = map(int, m.section.split("-"))
    return (m.plan, chapter, section, m.no)

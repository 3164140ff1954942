"""The notice corpus (tests/notices/corpus/) read and scored field by field.

Each notice is a pair: NN-name.txt, the text as an administrator pastes it, and NN-name.json,
the fields a careful reader takes from it. A field the JSON leaves out is one the notice does
not state: the reader must leave it empty too ("not found"), and filling it counts as wrong.

Scoring, per field of each notice:
- right: the value read equals the expected one (both empty counts as right);
- wrong: a value was read and it is not the expected one (including a value where none was
  expected): the failure that matters most, as an administrator may save it unnoticed;
- missed: nothing was read where a value was expected (the draft lists it as not found).
Precision is right / (right + wrong) over the fields read; recall is right / (right + missed)
over the fields expected. Used by tests/notices/test_corpus.py and bench/notices.py.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from tracker.notices import draft_from_notice

CORPUS = Path(__file__).resolve().parent / "corpus"

FIELDS = [
    "title", "short_name", "authority", "year", "opens_on", "deadline", "deadline_time",
    "rolling", "stages", "sectors", "sector_policy", "max_co_builders", "preferred_partnership",
    "benefits", "checklist", "thresholds", "qualifications", "conditions",
]
EMPTY = {"rolling": False, "stages": [], "sectors": [], "checklist": [], "thresholds": [],
         "qualifications": [], "conditions": []}
# Notices name no year for the date they were pasted on; this one settles none of them.
TODAY = datetime.date(2025, 1, 1)


def notices():
    """(name, text, expected fields) of every notice in the corpus, in file order."""
    for path in sorted(CORPUS.glob("*.txt")):
        expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
        unknown = set(expected) - set(FIELDS)
        if unknown:
            raise ValueError(f"{path.with_suffix('.json').name}: unknown fields {sorted(unknown)}")
        full = {name: expected.get(name, EMPTY.get(name)) for name in FIELDS}
        yield path.stem, path.read_text("utf-8"), full


def read_fields(draft):
    """The draft's fields in the corpus's terms: names, ISO dates, plain lists."""

    def value(found):
        return found.value if found else None

    authority = value(draft.authority)
    return {
        "title": value(draft.title),
        "short_name": value(draft.short_name),
        "authority": (
            authority.name_zh if authority
            else draft.new_authority.value.name_zh if draft.new_authority else None
        ),
        "year": value(draft.year),
        "opens_on": _iso(value(draft.opens_on)),
        "deadline": _iso(value(draft.deadline)),
        "deadline_time": value(draft.deadline_time),
        "rolling": bool(draft.rolling),
        "stages": [[s.value.due_on.isoformat(), s.value.audience] for s in draft.stages],
        "sectors": [m.name for m in draft.sectors.value] if draft.sectors else [],
        "sector_policy": value(draft.sector_policy),
        "max_co_builders": value(draft.max_co_builders),
        "preferred_partnership": value(draft.preferred_partnership),
        "benefits": value(draft.benefits),
        "checklist": [[e.value.title, e.value.kind] for e in draft.checklist],
        # [fact, bound, value (in the fact's unit), year or null]
        "thresholds": [[t.value.fact, t.value.bound, _number(t.value.value), t.value.year]
                       for t in draft.thresholds],
        # [qualification code, group]: rows of one group are alternatives.
        "qualifications": [[q.value.qualification.code, q.value.group]
                           for q in draft.qualifications],
        "conditions": [c.value for c in draft.conditions],
    }


def _number(value):
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(day):
    return day.isoformat() if day else None


@dataclass
class Score:
    right: dict = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    wrong: dict = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    missed: dict = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    # (notice, field, expected, read) of every field not right, for the report.
    mistakes: list = field(default_factory=list)
    notices: int = 0

    def add(self, name, expected, read):
        self.notices += 1
        for f in FIELDS:
            want, got = expected[f], read[f]
            if want == got:
                self.right[f] += 1
                continue
            empty = got in (None, False, [])
            (self.missed if empty else self.wrong)[f] += 1
            self.mistakes.append((name, f, want, got))

    def precision(self, f=None):
        right, wrong = self._sum(self.right, f), self._sum(self.wrong, f)
        return right / (right + wrong) if right + wrong else 1.0

    def recall(self, f=None):
        right, missed = self._sum(self.right, f), self._sum(self.missed, f)
        return right / (right + missed) if right + missed else 1.0

    @property
    def accuracy(self):
        total = self.notices * len(FIELDS)
        return sum(self.right.values()) / total if total else 1.0

    @property
    def wrong_total(self):
        return sum(self.wrong.values())

    @staticmethod
    def _sum(counts, f):
        return counts[f] if f else sum(counts.values())

    def table(self):
        """The per-field figures as printed lines."""
        lines = [f"{'field':<22} {'right':>5} {'wrong':>5} {'missed':>6} {'precision':>9} "
                 f"{'recall':>6}"]
        for f in FIELDS:
            lines.append(
                f"{f:<22} {self.right[f]:>5} {self.wrong[f]:>5} {self.missed[f]:>6} "
                f"{self.precision(f):>9.1%} {self.recall(f):>6.1%}"
            )
        lines.append(
            f"{'all fields':<22} {sum(self.right.values()):>5} {self.wrong_total:>5} "
            f"{sum(self.missed.values()):>6} {self.precision():>9.1%} {self.recall():>6.1%}"
        )
        lines.append(
            f"{self.notices} notices, {self.notices * len(FIELDS)} fields: "
            f"{self.accuracy:.1%} right, {self.wrong_total} filled with a wrong value"
        )
        return lines


def score_corpus(taxonomy=None):
    """Read every notice of the corpus; the Score. `taxonomy` defaults to the database's."""
    score = Score()
    for name, text, expected in notices():
        draft = draft_from_notice(text, today=TODAY, taxonomy=taxonomy)
        score.add(name, expected, read_fields(draft))
    return score

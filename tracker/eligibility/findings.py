"""What the rules answer: one Finding per rule, collected into a Verdict.

Findings hold no words: messages keep their parameters (`Text`) and are put into the reader's
language when shown. Ranking hundreds of programs then costs no translation (only the page of
findings actually read does), and one verdict can be read in any language.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

# One lazy message per msgid, shared by every finding (it is translated when shown, in the
# reader's language). A new one per call made some 36 objects per program ranked; with 500
# programs kept for the page, that ran Python's garbage collector several times per request.
_ = functools.cache(gettext_lazy)


class Outcome(models.TextChoices):
    PASS = "pass", _("Met")
    PREFERRED = "preferred", _("Priority")
    UNKNOWN = "unknown", _("Not known yet")
    FAIL = "fail", _("Not met")


class Summary(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INCOMPLETE = "incomplete", _("Incomplete: some answers are missing")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


# Ranking order: what a firm can apply for comes first.
SUMMARY_RANK = {Summary.ELIGIBLE: 0, Summary.INCOMPLETE: 1, Summary.NOT_ELIGIBLE: 2}


def deadline_order(program):
    """The order of programs of one summary and priority score: the deadline first."""
    return (program.deadline or datetime.date.max, program.slug)


@dataclass(frozen=True)
class Finding:
    """One rule's answer. `label`, `requirement`, `reason` and `fix` are texts (str() them)."""

    rule: str
    label: object
    requirement: object
    outcome: str
    reason: object
    citation: str = ""
    fix: object = ""
    # The ManualCondition this finding asks the applicant to confirm (its tick), if any.
    confirm: int | None = None

    @property
    def outcome_label(self):
        return Outcome(self.outcome).label


def summary_of(outcomes):
    """The Summary of a verdict whose findings have these `outcomes`: any failure makes it not
    eligible, else anything unknown incomplete."""
    if Outcome.FAIL in outcomes:
        return Summary.NOT_ELIGIBLE
    if Outcome.UNKNOWN in outcomes:
        return Summary.INCOMPLETE
    return Summary.ELIGIBLE


@dataclass(frozen=True)
class Standing:
    """A verdict's summary and priority score without its findings (`ranking.standing`):
    what a line of the dashboard shows of it."""

    summary: str
    priority_score: int


@dataclass
class Verdict:
    program: object
    findings: list = field(default_factory=list)
    # The checklist's finding (see `Rule.readiness`): how ready the materials are, which
    # the summary does not read.
    materials: Finding | None = None

    @property
    def summary(self):
        return summary_of({f.outcome for f in self.findings})

    @property
    def confirmable(self):
        """Whether some finding asks the applicant to confirm a condition itself."""
        return any(f.confirm for f in self.findings)

    @property
    def summary_label(self):
        return Summary(self.summary).label

    @property
    def priority_score(self):
        return sum(f.outcome == Outcome.PREFERRED for f in self.findings)

    def sort_key(self):
        return (SUMMARY_RANK[self.summary], -self.priority_score, *deadline_order(self.program))


class Text:
    """A message and its parameters, in words only when shown (str)."""

    __slots__ = ("message", "params")

    def __init__(self, message, **params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message) % self.params

    def __repr__(self):
        return f"Text({str(self)!r})"


class Names:
    """A list of names (sectors, regions, kinds, items) joined in the reader's language."""

    __slots__ = ("items",)

    def __init__(self, items):
        self.items = list(items)

    def __str__(self):
        return gettext(", ").join(str(item) for item in self.items)


class Day:
    __slots__ = ("date",)

    def __init__(self, date):
        self.date = date

    def __str__(self):
        return date_format(self.date, "DATE_FORMAT")


class Amount:
    """A figure as the notice writes it: 2000, 3.5 (no trailing zeros of the stored decimal)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __str__(self):
        text = f"{self.value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

"""The rule registry: every rule kind is one `Rule` subclass, registered in evaluation order.

What the rules read is declared on the classes and everything that depends on it is derived
here, so that a new rule kind is one class in `rules.py` (plus its Program fields):
- `rule_fields()`: the Program columns a page that only ranks programs loads (`.only()`);
- `prefetch_for_rules()` and `load_rule_lists()`: the related lists, in a fixed number of queries;
- `relations()` and `impact_fields()`: what the admin's impact preview watches and replaces;
- `admin_rows()`: the rows of the admin's "Dates and eligibility rules" section;
- `fingerprint()` and each rule's `organizations()`: matching every organization at once.
- `question_counts()`: which self-check questions the open programs' rules read, and for how
  many programs each answer decides a finding.
"""

import hashlib
import json
from collections import Counter

from django.db.models import Q

from tracker.models import Program

RULES = []

# Read by the ranking (Verdict.sort_key) and the local date, whatever the rules.
RANKING_FIELDS = ["slug", "deadline", "timezone"]


def register(rule_class):
    RULES.append(rule_class())
    return rule_class


class Rule:
    """One rule kind: judges a profile against one program's parameters.

    The rule decides in one place, `outcomes()`, from `compile()`'s plain values; `judge()`
    only words the outcome it is given. Full verdicts (`findings()`) and the outcome-only
    ranking of a whole catalog (`eligibility.ranking`) both read `outcomes()`, so they cannot
    disagree. A rule never fails for want of input: what the profile does not say is
    *unknown*.
    """

    key = ""
    # Program fields whose values decide the outcome (form fields in the admin).
    parameters = ()
    # The Program field quoting the notice's clause, shown as the finding's citation.
    clause = ""
    # Program relations the rule reads. Read them with `.all()` (or through the attributes
    # `prefetch()`/`preload()` fill): the impact preview judges an unsaved edit by replacing
    # these lists, and a `.filter()` would query the saved ones.
    relations = ()
    # A readiness rule reports how far the application's preparation is (the checklist): its
    # finding is `Verdict.materials`, apart from the findings the summary is made of.
    readiness = False

    def compile(self, program):
        """What the outcomes read of `program`, as hashable plain values (kinds, region code
        prefixes, sector ids, thresholds, dates), or None when the program does not set the
        rule. The self-check keeps them per catalog copy; programs with equal values share
        one outcome."""
        raise NotImplementedError

    def outcome(self, profile, compiled, today):
        """The outcome of the rule's one finding, from `compile()`'s values."""
        raise NotImplementedError

    def outcomes(self, profile, compiled, today):
        """The outcome of each finding `findings()` gives, in its order (a rule kind entered
        as rows, such as thresholds, gives one per row)."""
        return (self.outcome(profile, compiled, today),)

    def judge(self, profile, program, today, outcome, compiled):
        """The rule's one Finding, worded for `outcome` (`compiled`: what it was decided on,
        read from the program once)."""
        raise NotImplementedError

    def findings(self, profile, program, today):
        """Every finding of this rule for `program`: one (judge's), none when the program
        does not set the rule, or one per row."""
        compiled = self.compile(program)
        if compiled is None:
            return []
        [outcome] = self.outcomes(profile, compiled, today)
        return [self.judge(profile, program, today, outcome, compiled)]

    def questions(self, program):
        """The self-check questions (form field names) whose answers this rule reads for
        `program`; none when the program does not set the rule."""
        return ()

    def prefetch(self, prefix, ticks):
        """prefetch_related() lookups for Program querysets (prefix "program__" for related
        ones); `ticks` is False when no application's ticks are judged (the self-check)."""
        return []

    def preload(self, programs):
        """Fill what the rule reads for many programs at once, where a prefetch costs more."""

    def organizations(self, program, today):
        """The rule over Organization rows in SQL, to match every profile at once: a `Match`
        of the rows it does not fail and of those it finds unknown, exactly as `judge()` does
        with `Profile.for_organization`. None when it cannot be said in SQL: matching then
        judges the rows the other rules let through in Python (`notifications.alerts`)."""
        return None

    @property
    def admin_rows(self):
        if not self.parameters:
            return []
        return [(*self.parameters, self.clause) if self.clause else self.parameters]


class RowsRule(Rule):
    """A rule kind entered as rows (thresholds, groups of qualifications, conditions): one
    finding per row, each judged on the reference date: the deadline ("registered for a year
    by the deadline", "valid at the deadline"), or today while no deadline is known."""

    def rows(self, program):
        """What the findings are about, in their order."""
        raise NotImplementedError

    def compile_row(self, row):
        raise NotImplementedError

    def row_outcome(self, profile, compiled_row, on):
        raise NotImplementedError

    def judge_row(self, profile, row, on, outcome):
        raise NotImplementedError

    def compile(self, program):
        return self._compiled(program, self.rows(program))

    def _compiled(self, program, rows):
        return (program.deadline, tuple(map(self.compile_row, rows))) if rows else None

    def outcomes(self, profile, compiled, today):
        deadline, rows = compiled
        on = deadline or today
        return tuple(self.row_outcome(profile, row, on) for row in rows)

    def findings(self, profile, program, today):
        # The rows read once: a program loaded without its lists queries them.
        rows = list(self.rows(program))
        compiled = self._compiled(program, rows)
        if compiled is None:
            return []
        on = program.deadline or today
        outcomes = self.outcomes(profile, compiled, today)
        return [
            self.judge_row(profile, row, on, outcome)
            for row, outcome in zip(rows, outcomes, strict=True)
        ]


class Match:
    """What one rule says of Organization rows: `passes` (does not fail) and `unknown`, as Q
    objects. `Match.ALL` is a rule the program does not set, or one no profile can fail."""

    def __init__(self, passes, unknown):
        self.passes, self.unknown = passes, unknown


NOBODY = Q(pk__in=[])
# Not Q(): an empty Q is left out of an OR, where "every row" is meant.
EVERYONE = Q(pk__isnull=False)
Match.ALL = Match(EVERYONE, NOBODY)


def verdict_rules():
    """The rules a verdict's summary is made of (readiness is work still to do, not doubt)."""
    return [rule for rule in RULES if not rule.readiness]


def organization_match(program, today):
    """(passes, unknown, rules judged in Python) for matching every organization against
    `program` (its rule lists loaded): the verdict rules said in SQL, AND-ed (a row no rule
    fails) and OR-ed (a row some rule cannot judge is *incomplete*), and those that cannot be
    said in SQL (`Rule.organizations()` is None)."""
    passes, unknown, in_python = EVERYONE, NOBODY, []
    for rule in verdict_rules():
        match = rule.organizations(program, today)
        if match is None:
            in_python.append(rule)
        else:
            passes &= match.passes
            unknown |= match.unknown
    return passes, unknown, in_python


def fingerprint(program):
    """A digest of everything the verdict rules read of `program`: their parameters and the
    rows of their relations (prefetched with `relations()`, or queried). Matching plans alerts
    again only when it changes, so a typo fixed in a clause or a checklist item tells nobody."""
    rules = verdict_rules()
    values = {name: getattr(program, Program._meta.get_field(name).attname)
              for rule in rules for name in _concrete(rule.parameters)
              if not Program._meta.get_field(name).many_to_many}
    for name in dict.fromkeys(n for rule in rules for n in rule.relations):
        values[name] = sorted(
            [str(getattr(row, f.attname)) for f in row._meta.concrete_fields]
            for row in getattr(program, name).all()
        )
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _concrete(names):
    return [n for n in names if n and Program._meta.get_field(n).concrete]


def rule_fields():
    fields = dict.fromkeys(RANKING_FIELDS)
    for rule in RULES:
        fields.update(dict.fromkeys(_concrete([*rule.parameters, rule.clause])))
    return list(fields)


def prefetch_for_rules(prefix="", ticks=True):
    return [lookup for rule in RULES for lookup in rule.prefetch(prefix, ticks)]


def load_rule_lists(programs):
    programs = list(programs)
    for rule in RULES:
        rule.preload(programs)
    return programs


def relations():
    return list(dict.fromkeys(name for rule in RULES for name in rule.relations))


def impact_fields():
    """Program form fields whose edit can change a verdict."""
    return {name for rule in RULES for name in rule.parameters}


def question_counts(programs):
    """{question: number of `programs` whose verdict reads its answer}, most deciding first."""
    counts = Counter()
    for program in programs:
        counts.update({q for rule in RULES for q in rule.questions(program)})
    return counts


def admin_rows():
    return [row for rule in RULES for row in rule.admin_rows]

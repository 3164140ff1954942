"""The rule registry: every rule kind is one `Rule` subclass, registered in evaluation order.

What the rules read is declared on the classes and everything that depends on it is derived
here, so that a new rule kind is one class in `rules.py` (plus its Program fields):
- `rule_fields()`: the Program columns a page that only ranks programs loads (`.only()`);
- `prefetch_for_rules()` and `load_rule_lists()`: the related lists, in a fixed number of queries;
- `relations()` and `impact_fields()`: what the admin's impact preview watches and replaces;
- `admin_rows()`: the rows of the admin's "Dates and eligibility rules" section;
- `question_counts()`: which self-check questions the open programs' rules read, and for how
  many programs each answer decides a finding.
"""

from collections import Counter

from tracker.models import Program

RULES = []

# Read by the ranking (Verdict.sort_key) and the local date, whatever the rules.
RANKING_FIELDS = ["slug", "deadline", "timezone"]


def register(rule_class):
    RULES.append(rule_class())
    return rule_class


class Rule:
    """One rule kind: judges a profile against one program's parameters.

    `judge()` returns a Finding, or None when the program sets no such rule. A rule never
    fails for want of input: what the profile does not say is *unknown*.
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

    def judge(self, profile, program, today):
        raise NotImplementedError

    def findings(self, profile, program, today):
        """Every finding of this rule for `program`: one (judge's), none, or for a rule kind
        entered as rows (thresholds, conditions) one per row."""
        finding = self.judge(profile, program, today)
        return [] if finding is None else [finding]

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

    @property
    def admin_rows(self):
        if not self.parameters:
            return []
        return [(*self.parameters, self.clause) if self.clause else self.parameters]


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

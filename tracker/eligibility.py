"""Eligibility: the rules of a call as code, their parameters as data on the Program.

`evaluate(profile, program)` runs every rule the program sets and returns a Verdict holding one
Finding per rule, like Django's password validators collect every error instead of stopping at
the first. A rule never fails for want of input: what the profile does not say is *unknown*.

Rules read only the fields in `RULE_FIELDS` and the relations that `prefetch_for_rules` and
`load_rule_lists` fill, so the self-check and the dashboard evaluate hundreds of programs
without one query per program. And they write no words: a Finding holds messages with their
parameters (`Text`), put into the reader's language when shown. Ranking hundreds of programs
then costs no translation, only the page of findings actually read does, and one verdict can be
read in any language.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from tracker.models import Milestone, OrganizationKind, Program, ProgramSector, Region

# One lazy message per msgid, shared by every finding (it is translated when shown, in the
# reader's language). A new one per call made some 36 objects per program ranked; with 500
# programs kept for the page, that ran Python's garbage collector several times per request.
_ = functools.cache(gettext_lazy)

ACADEMIA = {OrganizationKind.UNIVERSITY, OrganizationKind.RESEARCH_INSTITUTE}

# The Program fields the rules and the ranking read: a page that only ranks programs may load
# just these (`.only()`); a rule reading another field would cost a query per program.
RULE_FIELDS = [
    "slug", "opens_on", "deadline", "timezone", "deadline_clause",
    "eligible_kinds", "kinds_clause", "region_clause", "sector_policy", "sector_clause",
    "max_co_builders", "co_builder_clause", "preferred_partnership", "partnership_clause",
]


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


@dataclass(frozen=True)
class Profile:
    """What we know about an applicant; None means "not given", never "no"."""

    kind: str | None = None
    region: object = None  # a Region
    sectors: frozenset | None = None
    partner_kinds: frozenset | None = None
    co_builder_count: int | None = None
    # None when materials are not tracked (the anonymous self-check): the rule is then skipped.
    ticked_item_ids: frozenset | None = None
    submitted: bool = False

    @classmethod
    def for_application(cls, application):
        """The lead organization with its co-builders and ticks, from prefetched relations."""
        organization = application.organization
        partners = [cb.organization for cb in application.co_builders.all()]
        return cls(
            kind=organization.kind or None,
            region=organization.region,
            sectors=frozenset(organization.sectors.all()) or None,
            partner_kinds=frozenset(p.kind for p in partners),
            co_builder_count=len(partners),
            ticked_item_ids=frozenset(t.item_id for t in application.ticks.all()),
            submitted=application.is_submitted,
        )


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

    @property
    def outcome_label(self):
        return Outcome(self.outcome).label


@dataclass
class Verdict:
    program: Program
    findings: list = field(default_factory=list)

    @property
    def summary(self):
        outcomes = {f.outcome for f in self.findings}
        if Outcome.FAIL in outcomes:
            return Summary.NOT_ELIGIBLE
        if Outcome.UNKNOWN in outcomes:
            return Summary.INCOMPLETE
        return Summary.ELIGIBLE

    @property
    def summary_label(self):
        return Summary(self.summary).label

    @property
    def priority_score(self):
        return sum(f.outcome == Outcome.PREFERRED for f in self.findings)

    def sort_key(self):
        deadline = self.program.deadline or datetime.date.max
        return (SUMMARY_RANK[self.summary], -self.priority_score, deadline, self.program.slug)


def prefetch_for_rules(prefix="", checklist=True):
    """The lookups the rules read, for Program querysets or (prefix "program__") related ones;
    sectors and regions come from `load_rule_lists`.

    Without ticks (the self-check) the checklist rule reads no item: `checklist=False` spares
    loading them.
    """
    lookups = [
        Prefetch(
            f"{prefix}milestones",
            queryset=Milestone.objects.filter(
                kind=Milestone.Kind.STAGE, audience=Milestone.Audience.APPLICANT
            ),
            to_attr="applicant_stages",
        ),
    ]
    if checklist:
        lookups.append(f"{prefix}checklist_items")
    return lookups


def load_rule_lists(programs):
    """Set `priority_sector_ids` and `eligible_regions` of many programs, one query each.

    Prefetching would build an object per program and sector (7,500 for 500 programs), and a
    related manager and queryset per program: that cost the self-check more than all its rules.
    """
    programs = list(programs)
    ids = {p.pk for p in programs}
    sector_ids, regions, shared = defaultdict(set), defaultdict(list), {}
    # No ORDER BY: the sector rule reads a set, and sorting 7,500 rows only slows the query.
    pairs = ProgramSector.objects.filter(program__in=ids).order_by()
    for program_id, sector_id in pairs.values_list("program_id", "sector_id"):
        sector_ids[program_id].add(sector_id)
    # A handful of regions serve hundreds of programs: one instance each.
    rows = Region.objects.filter(programs__in=ids).annotate(for_program=F("programs"))
    for region in rows:
        regions[region.for_program].append(shared.setdefault(region.pk, region))
    for program in programs:
        program.priority_sector_ids = frozenset(sector_ids[program.pk])
        program.eligible_regions = regions[program.pk]
    return programs


def evaluate(profile, program, today=None):
    today = today or program.local_today()
    findings = [rule(profile, program, today) for rule in RULES]
    return Verdict(program, [f for f in findings if f is not None])


def summary_for(application, program):
    """The summary for a tracked application judged under `program` (maybe an unsaved edit)."""
    return evaluate(Profile.for_application(application), program).summary


def rank(verdicts):
    return sorted(verdicts, key=Verdict.sort_key)


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


def deadline_rule(profile, program, today):
    finding = dict(rule="deadline", label=_("Deadline"), citation=program.deadline_clause)
    if program.deadline is None:
        return Finding(
            **finding,
            requirement=_("The program has not announced its dates yet."),
            outcome=Outcome.UNKNOWN,
            reason=_("No deadline is known yet."),
        )
    finding["requirement"] = Text(
        _("Submit the materials by %(date)s (%(tz)s time), that day included."),
        date=Day(program.deadline),
        tz=program.timezone,
    )
    if profile.submitted:
        return Finding(**finding, outcome=Outcome.PASS, reason=_("The application was submitted."))
    if today > program.deadline:
        return Finding(
            **finding,
            outcome=Outcome.FAIL,
            reason=Text(
                _("The deadline (%(date)s) has passed: this edition is closed."),
                date=Day(program.deadline),
            ),
            fix=_("Watch for next year's edition of this program."),
        )
    missed = [m for m in program.applicant_stages if m.due_on < today]
    if missed:
        return Finding(
            **finding,
            outcome=Outcome.FAIL,
            reason=Text(
                _("The step “%(step)s” was due on %(date)s and has passed."),
                step=missed[0],
                date=Day(missed[0].due_on),
            ),
            fix=_("Ask the program's contact whether late entries are still accepted."),
        )
    if program.opens_on and today < program.opens_on:
        reason = Text(_("Applications open on %(date)s."), date=Day(program.opens_on))
    elif program.deadline == today:
        reason = _("Today is the last day to submit.")
    else:
        reason = Text(_("%(days)d days until the deadline."), days=program.days_left(today))
    return Finding(**finding, outcome=Outcome.PASS, reason=reason)


def _decide(finding, known, ok, params, unknown, passed, failed, fix):
    """The usual three-way finding."""
    if not known:
        return Finding(**finding, outcome=Outcome.UNKNOWN, reason=unknown)
    if ok:
        return Finding(**finding, outcome=Outcome.PASS, reason=Text(passed, **params))
    return Finding(
        **finding, outcome=Outcome.FAIL, reason=Text(failed, **params), fix=Text(fix, **params)
    )


def co_builder_rule(profile, program, today):
    limit = program.max_co_builders
    if limit is None:
        return None
    finding = dict(
        rule="co_builders",
        label=_("Co-building units"),
        requirement=Text(_("At most %(limit)d co-building units per application."), limit=limit),
        citation=program.co_builder_clause,
    )
    count = profile.co_builder_count
    return _decide(
        finding,
        known=count is not None,
        ok=count is not None and count <= limit,
        params={"count": count, "limit": limit, "excess": (count or 0) - limit},
        unknown=_("The number of co-building units is not given."),
        passed=_("%(count)d co-building units, within the limit of %(limit)d."),
        failed=_("%(count)d co-building units, at most %(limit)d allowed."),
        fix=_("Remove %(excess)d of them."),
    )


def kind_rule(profile, program, today):
    kinds = program.eligible_kinds
    if not kinds:
        return None
    allowed = Names(OrganizationKind(k).label for k in kinds)
    finding = dict(
        rule="kind",
        label=_("Kind of organization"),
        requirement=Text(_("The lead applicant must be one of: %(kinds)s."), kinds=allowed),
        citation=program.kinds_clause,
    )
    known = profile.kind is not None
    return _decide(
        finding,
        known=known,
        ok=profile.kind in kinds,
        params={"kind": OrganizationKind(profile.kind).label if known else "", "kinds": allowed},
        unknown=_("The kind of organization is not given."),
        passed=_("%(kind)s may apply."),
        failed=_("%(kind)s may not lead an application."),
        fix=_("Let a partner that is one of these lead: %(kinds)s."),
    )


def region_rule(profile, program, today):
    regions = program.eligible_regions
    if not regions:
        return None
    names = Names(regions)
    finding = dict(
        rule="region",
        label=_("Region"),
        requirement=Text(_("The lead applicant must be registered in %(regions)s."), regions=names),
        citation=program.region_clause,
    )
    known = profile.region is not None
    return _decide(
        finding,
        known=known,
        ok=known and any(region.contains(profile.region) for region in regions),
        params={"region": profile.region, "regions": names},
        unknown=_("The region is not given."),
        passed=_("%(region)s lies in %(regions)s."),
        failed=_("%(region)s is outside %(regions)s."),
        fix=_("Let a partner registered in %(regions)s lead the application."),
    )


def sector_rule(profile, program, today):
    listed = program.priority_sector_ids
    if not listed:
        return None
    required = program.sector_policy == Program.SectorPolicy.REQUIRED
    # The count, not the names: pages list the sectors beside the rule.
    if required:
        requirement = _("Only the %(n)d listed sectors may apply.")
    else:
        requirement = _("Priority for the %(n)d listed sectors; other sectors may still apply.")
    finding = dict(
        rule="sector",
        label=_("Sector"),
        requirement=Text(requirement, n=len(listed)),
        citation=program.sector_clause,
    )
    if profile.sectors is None:
        return Finding(**finding, outcome=Outcome.UNKNOWN, reason=_("No sector is given."))
    matched = Names(sorted((s for s in profile.sectors if s.pk in listed), key=lambda s: s.pk))
    if matched.items and required:
        return Finding(
            **finding,
            outcome=Outcome.PASS,
            reason=Text(_("%(sectors)s may apply."), sectors=matched),
        )
    if matched.items:
        return Finding(
            **finding,
            outcome=Outcome.PREFERRED,
            reason=Text(_("%(sectors)s: a priority sector of this program."), sectors=matched),
        )
    if required:
        return Finding(
            **finding,
            outcome=Outcome.FAIL,
            reason=_("None of the given sectors may apply."),
            fix=_("Apply with work in one of the sectors this program lists."),
        )
    return Finding(
        **finding,
        outcome=Outcome.PASS,
        reason=_(
            "The given sectors are not on the priority list: you may apply, without priority."
        ),
    )


def partnership_rule(profile, program, today):
    if program.preferred_partnership != Program.Partnership.ACADEMIA_ENTERPRISE:
        return None
    finding = dict(
        rule="partnership",
        label=_("Joint application"),
        requirement=_(
            "Priority for a research institution or university applying with an enterprise, "
            "either side leading."
        ),
        citation=program.partnership_clause,
    )
    if profile.kind is None or profile.partner_kinds is None:
        return Finding(
            **finding,
            outcome=Outcome.UNKNOWN,
            reason=_("The kinds of the applicant and its partners are not given."),
        )
    sides = {profile.kind, *profile.partner_kinds}
    has_enterprise = OrganizationKind.ENTERPRISE in sides
    has_academia = bool(sides & ACADEMIA)
    if has_enterprise and has_academia:
        return Finding(
            **finding,
            outcome=Outcome.PREFERRED,
            reason=_("An enterprise and a research institution or university apply together."),
        )
    if has_enterprise:
        fix = _("For priority, add a university or research institution as co-building unit.")
    elif has_academia:
        fix = _("For priority, add an enterprise as co-building unit.")
    else:
        fix = _("For priority, apply with an enterprise and a university or research institution.")
    return Finding(
        **finding,
        outcome=Outcome.PASS,
        reason=_("Not a research institution (university) and enterprise partnership: you may "
                 "apply, without this priority."),
        fix=fix,
    )


def checklist_rule(profile, program, today):
    if profile.ticked_item_ids is None:
        return None
    # Joint-only items are asked unless we know there are no co-builders.
    joint = profile.co_builder_count != 0
    needed = [
        item
        for item in program.checklist_items.all()
        if item.required and (joint or not item.joint_only)
    ]
    if not needed:
        return None
    missing = [item for item in needed if item.pk not in profile.ticked_item_ids]
    finding = dict(
        rule="checklist",
        label=_("Materials and attestations"),
        requirement=_("Every required item on the checklist is ready."),
    )
    if missing:
        return Finding(
            **finding,
            outcome=Outcome.UNKNOWN,
            reason=Text(
                _("%(done)d of %(total)d required items ticked; still open: %(items)s."),
                done=len(needed) - len(missing),
                total=len(needed),
                items=Names(missing),
            ),
            citation=missing[0].citation,
            fix=_("Tick each item once it is ready."),
        )
    return Finding(
        **finding,
        outcome=Outcome.PASS,
        reason=Text(_("All %(total)d required items are ticked."), total=len(needed)),
    )


RULES = [
    deadline_rule,
    kind_rule,
    region_rule,
    sector_rule,
    co_builder_rule,
    partnership_rule,
    checklist_rule,
]

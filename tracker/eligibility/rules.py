"""The rule kinds, one class each, in the order their findings are shown.

Rules are the code, their parameters are data on the Program. Each rule declares the Program
fields and relations it reads (see `registry.Rule`) and writes no words, only messages with
parameters (`findings.Text`), like Django's password validators each return their own errors.
"""

import operator
from collections import defaultdict
from functools import reduce

from django.db.models import Exists, F, OuterRef, Prefetch, Q

from tracker.eligibility.findings import Amount, Day, Finding, Names, Outcome, Text, _
from tracker.eligibility.profile import Profile
from tracker.eligibility.registry import EVERYONE, NOBODY, Match, RowsRule, Rule, register
from tracker.models import (
    Fact,
    FactThreshold,
    Milestone,
    Organization,
    OrganizationKind,
    Program,
    ProgramSector,
    QualificationRequirement,
    Region,
)

ACADEMIA = {OrganizationKind.UNIVERSITY, OrganizationKind.RESEARCH_INSTITUTE}
# Organization rows whose kind is not given (the self-check's "— not given —" saved as "").
KIND_UNKNOWN = Q(kind="")
# What `Profile.for_organization` reads of the sectors: none declared is "not given".
NO_SECTORS = ~Exists(Organization.sectors.through.objects.filter(organization=OuterRef("pk")))


def _three_way(known, ok):
    """The usual outcome: unknown without the input, else met or not."""
    if not known:
        return Outcome.UNKNOWN
    return Outcome.PASS if ok else Outcome.FAIL


def _worded(finding, outcome, params, unknown, passed, failed, fix):
    """The usual three-way finding, worded for `outcome`."""
    if outcome == Outcome.UNKNOWN:
        return Finding(**finding, outcome=outcome, reason=unknown)
    if outcome == Outcome.PASS:
        return Finding(**finding, outcome=outcome, reason=Text(passed, **params))
    return Finding(
        **finding, outcome=outcome, reason=Text(failed, **params), fix=Text(fix, **params)
    )


@register
class DeadlineRule(Rule):
    key = "deadline"
    parameters = ("opens_on", "deadline", "timezone")
    clause = "deadline_clause"
    relations = ("milestones",)
    admin_rows = [parameters, clause]

    def prefetch(self, prefix, ticks):
        stages = Milestone.objects.filter(
            kind=Milestone.Kind.STAGE, audience=Milestone.Audience.APPLICANT
        )
        return [Prefetch(f"{prefix}milestones", queryset=stages, to_attr="applicant_stages")]

    def compile(self, program):
        # Every program has the rule (no deadline yet is *unknown*); of its stages, only
        # whether the earliest has passed decides.
        return program.deadline, min((m.due_on for m in program.applicant_stages), default=None)

    def outcome(self, profile, compiled, today):
        deadline, first_stage = compiled
        if deadline is None:
            return Outcome.UNKNOWN
        if profile.submitted:
            return Outcome.PASS
        if today > deadline or (first_stage is not None and first_stage < today):
            return Outcome.FAIL
        return Outcome.PASS

    def judge(self, profile, program, today, outcome, compiled):
        finding = dict(
            rule=self.key, label=_("Deadline"), citation=program.deadline_clause, outcome=outcome
        )
        if program.deadline is None:
            return Finding(
                **finding,
                requirement=_("The program has not announced its dates yet."),
                reason=_("No deadline is known yet."),
            )
        finding["requirement"] = Text(
            _("Submit the materials by %(date)s (%(zone)s), that day included."),
            date=Day(program.deadline),
            zone=program.zone_time,
        )
        if profile.submitted:
            return Finding(**finding, reason=_("The application was submitted."))
        if outcome == Outcome.FAIL and today > program.deadline:
            return Finding(
                **finding,
                reason=Text(
                    _("The deadline (%(date)s) has passed: this edition is closed."),
                    date=Day(program.deadline),
                ),
                fix=_("Watch for next year's edition of this program."),
            )
        if outcome == Outcome.FAIL:
            missed = next(m for m in program.applicant_stages if m.due_on < today)
            return Finding(
                **finding,
                reason=Text(
                    _("The step “%(step)s” was due on %(date)s and has passed."),
                    step=missed,
                    date=Day(missed.due_on),
                ),
                fix=_("Ask the program's contact whether late entries are still accepted."),
            )
        if program.opens_on and today < program.opens_on:
            reason = Text(_("Applications open on %(date)s."), date=Day(program.opens_on))
        elif program.deadline == today:
            reason = _("Today is the last day to submit.")
        else:
            reason = Text(_("%(days)d days until the deadline."), days=program.days_left(today))
        return Finding(**finding, reason=reason)

    def organizations(self, program, today):
        # The dates are the program's, the same for every organization: judged once.
        outcome = self.outcome(Profile(), self.compile(program), today)
        if outcome == Outcome.FAIL:
            return Match(NOBODY, NOBODY)
        return Match(EVERYONE, EVERYONE if outcome == Outcome.UNKNOWN else NOBODY)


@register
class KindRule(Rule):
    key = "kind"
    parameters = ("eligible_kinds",)
    clause = "kinds_clause"

    def questions(self, program):
        return ["kind"] if program.eligible_kinds else []

    def compile(self, program):
        return frozenset(program.eligible_kinds) or None

    def outcome(self, profile, compiled, today):
        return _three_way(profile.kind is not None, profile.kind in compiled)

    def judge(self, profile, program, today, outcome, compiled):
        allowed = Names(OrganizationKind(k).label for k in program.eligible_kinds)
        finding = dict(
            rule=self.key,
            label=_("Kind of organization"),
            requirement=Text(_("The lead applicant must be one of: %(kinds)s."), kinds=allowed),
            citation=program.kinds_clause,
        )
        known = profile.kind is not None
        return _worded(
            finding,
            outcome,
            params={
                "kind": OrganizationKind(profile.kind).label if known else "", "kinds": allowed
            },
            unknown=_("The kind of organization is not given."),
            passed=_("%(kind)s may apply."),
            failed=_("%(kind)s may not lead an application."),
            fix=_("Let a partner that is one of these lead: %(kinds)s."),
        )

    def organizations(self, program, today):
        if not program.eligible_kinds:
            return Match.ALL
        return Match(Q(kind__in=program.eligible_kinds) | KIND_UNKNOWN, KIND_UNKNOWN)


@register
class RegionRule(Rule):
    key = "region"
    parameters = ("regions",)
    clause = "region_clause"
    relations = ("regions",)

    def preload(self, programs):
        """`eligible_regions` of every program in one query; a handful of regions serve
        hundreds of programs, so each is one shared instance."""
        regions, shared = defaultdict(list), {}
        rows = Region.objects.filter(programs__in=[p.pk for p in programs])
        for region in rows.annotate(for_program=F("programs")):
            regions[region.for_program].append(shared.setdefault(region.pk, region))
        for program in programs:
            program.eligible_regions = regions[program.pk]

    def questions(self, program):
        return ["region"] if program.eligible_regions else []

    def compile(self, program):
        return self._prefixes(program.eligible_regions)

    @staticmethod
    def _prefixes(regions):
        # Containment by code prefix (`Region.contains`), tested in one `str.startswith`.
        return tuple(sorted({region.prefix for region in regions})) or None

    def outcome(self, profile, compiled, today):
        # Called once per region programs name (hundreds), so written out.
        if profile.region is None:
            return Outcome.UNKNOWN
        return Outcome.PASS if profile.region.code.startswith(compiled) else Outcome.FAIL

    def findings(self, profile, program, today):
        # The regions read once: those of a program loaded without `preload` are a query on
        # each read.
        regions = program.eligible_regions
        compiled = self._prefixes(regions)
        if compiled is None:
            return []
        [outcome] = self.outcomes(profile, compiled, today)
        return [self.judge(profile, program, today, outcome, regions)]

    def judge(self, profile, program, today, outcome, regions):
        names = Names(regions)
        finding = dict(
            rule=self.key,
            label=_("Region"),
            requirement=Text(
                _("The lead applicant must be registered in %(regions)s."), regions=names
            ),
            citation=program.region_clause,
        )
        return _worded(
            finding,
            outcome,
            params={"region": profile.region, "regions": names},
            unknown=_("The region is not given."),
            passed=_("%(region)s lies in %(regions)s."),
            failed=_("%(region)s is outside %(regions)s."),
            fix=_("Let a partner registered in %(regions)s lead the application."),
        )

    def organizations(self, program, today):
        regions = program.eligible_regions
        if not regions:
            return Match.ALL
        # Containment by code prefix (`Region.contains`): a province covers its cities and
        # counties without walking the tree.
        inside = reduce(
            operator.or_, (Q(region__code__startswith=region.prefix) for region in regions)
        )
        return Match(inside | Q(region=None), Q(region=None))


@register
class SectorRule(Rule):
    key = "sector"
    parameters = ("sector_policy",)
    clause = "sector_clause"
    relations = ("program_sectors",)

    def preload(self, programs):
        """`priority_sector_ids` of every program in one query of id pairs: prefetching built
        an object per program and sector (7,500 for 500 programs), and a related manager per
        program, which cost the self-check more than all its rules."""
        sector_ids = defaultdict(set)
        # No ORDER BY: the rule reads a set, and sorting 7,500 rows only slows the query.
        pairs = ProgramSector.objects.filter(program__in=[p.pk for p in programs]).order_by()
        for program_id, sector_id in pairs.values_list("program_id", "sector_id"):
            sector_ids[program_id].add(sector_id)
        for program in programs:
            program.priority_sector_ids = frozenset(sector_ids[program.pk])

    def questions(self, program):
        return ["sectors"] if program.priority_sector_ids else []

    def compile(self, program):
        listed = program.priority_sector_ids
        if not listed:
            return None
        return program.sector_policy == Program.SectorPolicy.REQUIRED, listed

    def outcome(self, profile, compiled, today):
        required, listed = compiled
        if profile.sectors is None:
            return Outcome.UNKNOWN
        if listed.isdisjoint(sector.pk for sector in profile.sectors):
            return Outcome.FAIL if required else Outcome.PASS
        return Outcome.PASS if required else Outcome.PREFERRED

    def judge(self, profile, program, today, outcome, compiled):
        required, listed = compiled
        # The count, not the names: pages list the sectors beside the rule.
        if required:
            requirement = _("Only the %(n)d listed sectors may apply.")
        else:
            requirement = _(
                "Priority for the %(n)d listed sectors; other sectors may still apply."
            )
        finding = dict(
            rule=self.key,
            label=_("Sector"),
            requirement=Text(requirement, n=len(listed)),
            citation=program.sector_clause,
            outcome=outcome,
        )
        if outcome == Outcome.UNKNOWN:
            return Finding(**finding, reason=_("No sector is given."))
        matched = Names(
            sorted((s for s in profile.sectors if s.pk in listed), key=lambda s: s.pk)
        )
        if outcome == Outcome.PREFERRED:
            return Finding(
                **finding,
                reason=Text(
                    _("%(sectors)s: a priority sector of this program."), sectors=matched
                ),
            )
        if outcome == Outcome.FAIL:
            return Finding(
                **finding,
                reason=_("None of the given sectors may apply."),
                fix=_("Apply with work in one of the sectors this program lists."),
            )
        if required:
            return Finding(**finding, reason=Text(_("%(sectors)s may apply."), sectors=matched))
        return Finding(
            **finding,
            reason=_(
                "The given sectors are not on the priority list: you may apply, without priority."
            ),
        )

    def organizations(self, program, today):
        listed = program.priority_sector_ids
        if not listed:
            return Match.ALL
        if program.sector_policy != Program.SectorPolicy.REQUIRED:
            return Match(EVERYONE, NO_SECTORS)
        in_listed = Exists(
            Organization.sectors.through.objects.filter(
                organization=OuterRef("pk"), sector__in=listed
            )
        )
        return Match(NO_SECTORS | in_listed, NO_SECTORS)


@register
class CoBuilderRule(Rule):
    key = "co_builders"
    parameters = ("max_co_builders",)
    clause = "co_builder_clause"

    def questions(self, program):
        return ["partner_count"] if program.max_co_builders is not None else []

    def compile(self, program):
        return program.max_co_builders

    def outcome(self, profile, compiled, today):
        count = profile.co_builder_count
        return _three_way(count is not None, count is not None and count <= compiled)

    def judge(self, profile, program, today, outcome, compiled):
        limit = compiled
        finding = dict(
            rule=self.key,
            label=_("Co-building units"),
            requirement=Text(
                _("At most %(limit)d co-building units per application."), limit=limit
            ),
            citation=program.co_builder_clause,
        )
        count = profile.co_builder_count
        return _worded(
            finding,
            outcome,
            params={"count": count, "limit": limit, "excess": (count or 0) - limit},
            unknown=_("The number of co-building units is not given."),
            passed=_("%(count)d co-building units, within the limit of %(limit)d."),
            failed=_("%(count)d co-building units, at most %(limit)d allowed."),
            fix=_("Reduce the co-building units by %(excess)d."),
        )

    def organizations(self, program, today):
        # An organization's profile holds no application's co-builders: unknown until it
        # tracks the program and names them.
        if program.max_co_builders is None:
            return Match.ALL
        return Match(EVERYONE, EVERYONE)


@register
class PartnershipRule(Rule):
    key = "partnership"
    parameters = ("preferred_partnership",)
    clause = "partnership_clause"

    def questions(self, program):
        if program.preferred_partnership != Program.Partnership.ACADEMIA_ENTERPRISE:
            return []
        return ["kind", "partner_kinds"]

    def compile(self, program):
        # The one partnership the rule knows: set or not.
        return program.preferred_partnership == Program.Partnership.ACADEMIA_ENTERPRISE or None

    def outcome(self, profile, compiled, today):
        if profile.kind is None or profile.partner_kinds is None:
            return Outcome.UNKNOWN
        sides = {profile.kind, *profile.partner_kinds}
        if OrganizationKind.ENTERPRISE in sides and sides & ACADEMIA:
            return Outcome.PREFERRED
        return Outcome.PASS

    def judge(self, profile, program, today, outcome, compiled):
        finding = dict(
            rule=self.key,
            label=_("Joint application"),
            requirement=_(
                "Priority for a research institution or university applying with an "
                "enterprise, either side leading."
            ),
            citation=program.partnership_clause,
            outcome=outcome,
        )
        if outcome == Outcome.UNKNOWN:
            return Finding(
                **finding,
                reason=_("The kinds of the applicant and its partners are not given."),
            )
        if outcome == Outcome.PREFERRED:
            return Finding(
                **finding,
                reason=_(
                    "An enterprise and a research institution or university apply together."
                ),
            )
        sides = {profile.kind, *profile.partner_kinds}
        if OrganizationKind.ENTERPRISE in sides:
            fix = _(
                "For priority, add a university or research institution as co-building unit."
            )
        elif sides & ACADEMIA:
            fix = _("For priority, add an enterprise as co-building unit.")
        else:
            fix = _(
                "For priority, apply with an enterprise and a university or research "
                "institution."
            )
        return Finding(
            **finding,
            reason=_("Not a research institution (university) and enterprise partnership: you "
                     "may apply, without this priority."),
            fix=fix,
        )

    def organizations(self, program, today):
        if program.preferred_partnership != Program.Partnership.ACADEMIA_ENTERPRISE:
            return Match.ALL
        # A priority, never a failure; unknown without the kinds of both sides.
        return Match(EVERYONE, KIND_UNKNOWN | Q(partner_kinds__isnull=True))


def threshold_params(threshold):
    """The words of a threshold (a FactThreshold, or the notice reader's proposed one)."""
    fact = Fact(threshold.fact)
    return {
        "fact": fact.label,
        "in_year": Text(_(" in %(year)d"), year=threshold.year) if threshold.year else "",
        "bound": FactThreshold.Bound(threshold.bound).label,
        "value": Amount(threshold.value),
        "unit": fact.unit,
    }


def threshold_requirement(threshold):
    """"Main-business revenue in 2024: at least 2000 10,000 yuan.", as findings state it."""
    return Text(_("%(fact)s%(in_year)s: %(bound)s %(value)s %(unit)s."),
                **threshold_params(threshold))


def full_years(since, on):
    return on.year - since.year - ((on.month, on.day) < (since.month, since.day))


@register
class FactThresholdRule(RowsRule):
    """"2024年主营业务收入不低于2000万元", "注册满1年": one finding per threshold row."""

    key = "facts"
    relations = ("fact_thresholds",)
    REGISTERED_ON = "registered_on"

    def prefetch(self, prefix, ticks):
        return [f"{prefix}fact_thresholds"]

    @classmethod
    def question(cls, fact, year):
        """The self-check field answering `fact` in `year` (None: the latest year)."""
        if fact == Fact.YEARS_REGISTERED:
            return cls.REGISTERED_ON
        return f"fact_{fact}" if year is None else f"fact_{fact}_{year}"

    @classmethod
    def asked(cls, question):
        """(fact, year) a self-check field answers, the reverse of `question()`."""
        if question == cls.REGISTERED_ON:
            return Fact.YEARS_REGISTERED, None
        name, _sep, year = question.removeprefix("fact_").rpartition("_")
        if year.isdigit():
            return Fact(name), int(year)
        return Fact(question.removeprefix("fact_")), None

    def questions(self, program):
        return [self.question(t.fact, t.year) for t in program.fact_thresholds.all()]

    def rows(self, program):
        return program.fact_thresholds.all()

    def compile_row(self, threshold):
        at_least = threshold.bound == FactThreshold.Bound.AT_LEAST
        return Fact(threshold.fact), threshold.year, at_least, threshold.value

    def row_outcome(self, profile, compiled_row, on):
        fact, year, at_least, value = compiled_row
        given = self.given(profile, fact, year, on)
        known = given is not None
        return _three_way(known, known and (given >= value if at_least else given <= value))

    @staticmethod
    def given(profile, fact, year, on):
        """The profile's figure for `fact` in `year` (full years registered on `on`), None
        when not given."""
        if fact == Fact.YEARS_REGISTERED:
            return None if profile.registered_on is None else full_years(profile.registered_on, on)
        given = profile.fact(fact, year)
        return None if given is None else given[0]

    def organizations(self, program, today):
        # Figures by year and their reference dates are judged in Python (`row_outcome`),
        # on the organizations the other rules let through; a program without thresholds
        # keeps the whole match in SQL.
        return None if program.fact_thresholds.all() else Match.ALL

    def judge_row(self, profile, threshold, on, outcome):
        fact = Fact(threshold.fact)
        at_least = threshold.bound == FactThreshold.Bound.AT_LEAST
        params = threshold_params(threshold)
        finding = dict(
            rule=self.key,
            label=fact.label,
            requirement=threshold_requirement(threshold),
            citation=threshold.clause,
        )
        if fact == Fact.YEARS_REGISTERED:
            unknown = _("The date of registration is not given.")
        else:
            unknown = Text(_("%(fact)s%(in_year)s is not given."), **params)
        given = self.given(profile, fact, threshold.year, on)
        if given is not None:
            params.update(given=Amount(given), gap=Amount(abs(given - threshold.value)))
        return _worded(
            finding,
            outcome,
            params=params,
            unknown=unknown,
            passed=_("You gave %(given)s %(unit)s: met."),
            failed=_("You gave %(given)s %(unit)s, the limit is %(bound)s %(value)s %(unit)s."),
            fix=(
                _("%(gap)s %(unit)s short. If your figure is out of date, correct it in your "
                  "organization's facts.")
                if at_least
                else _("%(gap)s %(unit)s over. If your figure is out of date, correct it in "
                       "your organization's facts.")
            ),
        )


@register
class QualificationRule(RowsRule):
    """"须为高新技术企业或专精特新企业": one finding per group of alternatives; a qualification
    that expires before the deadline does not count."""

    key = "qualifications"
    relations = ("qualification_requirements",)

    def prefetch(self, prefix, ticks):
        rows = QualificationRequirement.objects.select_related("qualification")
        return [Prefetch(f"{prefix}qualification_requirements", queryset=rows)]

    def questions(self, program):
        return ["qualifications"] if program.qualification_requirements.all() else []

    def organizations(self, program, today):
        # Validity dates against the reference date are judged in Python (`row_outcome`).
        return None if program.qualification_requirements.all() else Match.ALL

    def rows(self, program):
        """The requirement rows by group of alternatives, in group order."""
        groups = defaultdict(list)
        for row in program.qualification_requirements.all():
            groups[row.group].append(row)
        return [rows for _group, rows in sorted(groups.items())]

    def compile_row(self, group):
        return tuple(row.qualification_id for row in group)

    @staticmethod
    def held_and_valid(profile, ids, on):
        """Those of qualification `ids` the profile holds, and those of them valid on `on`."""
        held = [pk for pk in ids if pk in profile.qualifications]
        return held, [pk for pk in held if (profile.qualifications[pk] or on) >= on]

    def row_outcome(self, profile, ids, on):
        if profile.qualifications is None:
            return Outcome.UNKNOWN
        _held, valid = self.held_and_valid(profile, ids, on)
        return Outcome.PASS if valid else Outcome.FAIL

    def judge_row(self, profile, rows, on, outcome):
        names = Names(row.qualification for row in rows)
        if len(rows) == 1:
            requirement = _("Hold %(names)s, valid on %(date)s.")
        else:
            requirement = _("Hold one of %(names)s, valid on %(date)s.")
        finding = dict(
            rule=self.key,
            label=_("Qualification"),
            requirement=Text(requirement, names=names, date=Day(on)),
            citation=next((row.clause for row in rows if row.clause), ""),
            outcome=outcome,
        )
        if outcome == Outcome.UNKNOWN:
            return Finding(**finding, reason=_("Your qualifications are not given."))
        by_id = {row.qualification_id: row.qualification for row in rows}
        held, valid = self.held_and_valid(profile, list(by_id), on)
        if outcome == Outcome.PASS:
            until = profile.qualifications[valid[0]]
            reason = (
                Text(_("%(name)s, valid until %(until)s."), name=by_id[valid[0]],
                     until=Day(until))
                if until
                else Text(_("%(name)s is held."), name=by_id[valid[0]])
            )
            return Finding(**finding, reason=reason)
        if held:
            params = {
                "name": by_id[held[0]],
                "until": Day(profile.qualifications[held[0]]),
                "date": Day(on),
            }
            return Finding(
                **finding,
                reason=Text(_("%(name)s expires on %(until)s, before %(date)s: it does not "
                              "count."), **params),
                fix=Text(_("Renew %(name)s in time for %(date)s, then update its date in "
                           "your organization's facts."), **params),
            )
        return Finding(
            **finding,
            reason=Text(_("None of %(names)s is held."), names=names),
            fix=Text(_("Obtain %(names)s first (one is enough), or watch for a program "
                       "without this condition."), names=names),
        )


@register
class ManualConditionRule(RowsRule):
    """Conditions the site cannot judge: each is shown with its clause and stays "not known
    yet" (never dropped, never a failure) until the applicant confirms it."""

    key = "manual"
    relations = ("manual_conditions",)

    def prefetch(self, prefix, ticks):
        return [f"{prefix}manual_conditions"]

    def organizations(self, program, today):
        # No organization has confirmed anything before it tracks the program: with any
        # condition, every one is incomplete, none fails.
        if program.manual_conditions.all():
            return Match(EVERYONE, EVERYONE)
        return Match.ALL

    def rows(self, program):
        return program.manual_conditions.all()

    def compile_row(self, condition):
        return condition.pk

    def row_outcome(self, profile, pk, on):
        confirmed = profile.confirmed_condition_ids or frozenset()
        return Outcome.PASS if pk in confirmed else Outcome.UNKNOWN

    def judge_row(self, profile, condition, on, outcome):
        finding = dict(
            rule=self.key,
            label=_("Please confirm yourself"),
            requirement=condition.text,
            citation=condition.clause,
            confirm=condition.pk,
            outcome=outcome,
        )
        if outcome == Outcome.PASS:
            return Finding(**finding, reason=_("You confirmed this."))
        return Finding(
            **finding,
            reason=_("The site cannot check this: read the clause and confirm it yourself."),
            fix=_("Tick “We meet this” on your application once you have checked it."),
        )


@register
class ChecklistRule(Rule):
    key = "checklist"
    relations = ("checklist_items",)
    # Open items are work still to do, not doubt about whether the firm may apply: an
    # eligible firm with nothing ticked yet is eligible, and its card says what is open.
    readiness = True

    def prefetch(self, prefix, ticks):
        # Without ticks (the self-check) this rule reads no item.
        return [f"{prefix}checklist_items"] if ticks else []

    def findings(self, profile, program, today):
        # Readiness, which no summary reads: the outcome-only ranking never asks this rule,
        # so it has no compiled form.
        if profile.ticked_item_ids is None:
            return []
        needed, missing = profile.checklist_progress(program.checklist_items.all())
        if not needed:
            return []
        finding = dict(
            rule=self.key,
            label=_("Materials and attestations"),
            requirement=_("Every required item on the checklist is ready."),
        )
        if missing:
            return [Finding(
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
            )]
        return [Finding(
            **finding,
            outcome=Outcome.PASS,
            reason=Text(_("All %(total)d required items are ticked."), total=len(needed)),
        )]

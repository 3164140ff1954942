"""The rule kinds, one class each, in the order their findings are shown.

Rules are the code, their parameters are data on the Program. Each rule declares the Program
fields and relations it reads (see `registry.Rule`) and writes no words, only messages with
parameters (`findings.Text`), like Django's password validators each return their own errors.
"""

import operator
from collections import defaultdict
from functools import reduce

from django.db.models import Exists, F, OuterRef, Prefetch, Q

from tracker.eligibility.findings import Day, Finding, Names, Outcome, Text, _
from tracker.eligibility.profile import Profile
from tracker.eligibility.registry import EVERYONE, NOBODY, Match, Rule, register
from tracker.models import (
    Milestone,
    Organization,
    OrganizationKind,
    Program,
    ProgramSector,
    Region,
)

ACADEMIA = {OrganizationKind.UNIVERSITY, OrganizationKind.RESEARCH_INSTITUTE}
# Organization rows whose kind is not given (the self-check's "— not given —" saved as "").
KIND_UNKNOWN = Q(kind="")
# What `Profile.for_organization` reads of the sectors: none declared is "not given".
NO_SECTORS = ~Exists(Organization.sectors.through.objects.filter(organization=OuterRef("pk")))


def _decide(finding, known, ok, params, unknown, passed, failed, fix):
    """The usual three-way finding."""
    if not known:
        return Finding(**finding, outcome=Outcome.UNKNOWN, reason=unknown)
    if ok:
        return Finding(**finding, outcome=Outcome.PASS, reason=Text(passed, **params))
    return Finding(
        **finding, outcome=Outcome.FAIL, reason=Text(failed, **params), fix=Text(fix, **params)
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

    def judge(self, profile, program, today):
        finding = dict(rule=self.key, label=_("Deadline"), citation=program.deadline_clause)
        if program.deadline is None:
            return Finding(
                **finding,
                requirement=_("The program has not announced its dates yet."),
                outcome=Outcome.UNKNOWN,
                reason=_("No deadline is known yet."),
            )
        finding["requirement"] = Text(
            _("Submit the materials by %(date)s (%(zone)s), that day included."),
            date=Day(program.deadline),
            zone=program.zone_time,
        )
        if profile.submitted:
            return Finding(
                **finding, outcome=Outcome.PASS, reason=_("The application was submitted.")
            )
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

    def organizations(self, program, today):
        # The dates are the program's, the same for every organization: judged once.
        outcome = self.judge(Profile(), program, today).outcome
        if outcome == Outcome.FAIL:
            return Match(NOBODY, NOBODY)
        return Match(EVERYONE, EVERYONE if outcome == Outcome.UNKNOWN else NOBODY)


@register
class KindRule(Rule):
    key = "kind"
    parameters = ("eligible_kinds",)
    clause = "kinds_clause"

    def judge(self, profile, program, today):
        kinds = program.eligible_kinds
        if not kinds:
            return None
        allowed = Names(OrganizationKind(k).label for k in kinds)
        finding = dict(
            rule=self.key,
            label=_("Kind of organization"),
            requirement=Text(_("The lead applicant must be one of: %(kinds)s."), kinds=allowed),
            citation=program.kinds_clause,
        )
        known = profile.kind is not None
        return _decide(
            finding,
            known=known,
            ok=profile.kind in kinds,
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

    def judge(self, profile, program, today):
        regions = program.eligible_regions
        if not regions:
            return None
        names = Names(regions)
        finding = dict(
            rule=self.key,
            label=_("Region"),
            requirement=Text(
                _("The lead applicant must be registered in %(regions)s."), regions=names
            ),
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

    def judge(self, profile, program, today):
        listed = program.priority_sector_ids
        if not listed:
            return None
        required = program.sector_policy == Program.SectorPolicy.REQUIRED
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
        )
        if profile.sectors is None:
            return Finding(**finding, outcome=Outcome.UNKNOWN, reason=_("No sector is given."))
        matched = Names(
            sorted((s for s in profile.sectors if s.pk in listed), key=lambda s: s.pk)
        )
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
                reason=Text(
                    _("%(sectors)s: a priority sector of this program."), sectors=matched
                ),
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

    def judge(self, profile, program, today):
        limit = program.max_co_builders
        if limit is None:
            return None
        finding = dict(
            rule=self.key,
            label=_("Co-building units"),
            requirement=Text(
                _("At most %(limit)d co-building units per application."), limit=limit
            ),
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

    def judge(self, profile, program, today):
        if program.preferred_partnership != Program.Partnership.ACADEMIA_ENTERPRISE:
            return None
        finding = dict(
            rule=self.key,
            label=_("Joint application"),
            requirement=_(
                "Priority for a research institution or university applying with an "
                "enterprise, either side leading."
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
                reason=_(
                    "An enterprise and a research institution or university apply together."
                ),
            )
        if has_enterprise:
            fix = _(
                "For priority, add a university or research institution as co-building unit."
            )
        elif has_academia:
            fix = _("For priority, add an enterprise as co-building unit.")
        else:
            fix = _(
                "For priority, apply with an enterprise and a university or research "
                "institution."
            )
        return Finding(
            **finding,
            outcome=Outcome.PASS,
            reason=_("Not a research institution (university) and enterprise partnership: you "
                     "may apply, without this priority."),
            fix=fix,
        )

    def organizations(self, program, today):
        if program.preferred_partnership != Program.Partnership.ACADEMIA_ENTERPRISE:
            return Match.ALL
        # A priority, never a failure; unknown without the kinds of both sides.
        return Match(EVERYONE, KIND_UNKNOWN | Q(partner_kinds__isnull=True))


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

    def judge(self, profile, program, today):
        if profile.ticked_item_ids is None:
            return None
        needed, missing = profile.checklist_progress(program.checklist_items.all())
        if not needed:
            return None
        finding = dict(
            rule=self.key,
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

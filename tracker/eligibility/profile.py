"""What the rules know about an applicant."""

import datetime
from dataclasses import dataclass, field, fields

from django.db.models import Exists, OuterRef, Prefetch

from tracker.models import CoBuilder, Membership, Organization, checklist_progress


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
    # Whether a co-building unit has confirmed: that fulfils the co-building units' list item.
    co_builders_confirmed: bool = False
    submitted: bool = False
    # {(Fact value, year): Decimal}; a fact or year missing here is unknown.
    facts: dict = field(default_factory=dict)
    registered_on: datetime.date | None = None
    # {qualification id: valid until (None: held, no date given)}; None when not given at all.
    qualifications: dict | None = None
    # None when conditions are not confirmed per application (the anonymous self-check).
    confirmed_condition_ids: frozenset | None = None

    def key(self):
        """A hashable stand-in for the profile (its dicts as sorted pairs), for caches of
        verdicts by profile."""
        return tuple(
            tuple(sorted(value.items(), key=repr)) if isinstance(value, dict) else value
            for value in (getattr(self, f.name) for f in fields(self))
        )

    def fact(self, fact, year):
        """(value, year) of `fact` in `year`, or in the latest year given when `year` is None;
        None when not known."""
        if year is not None:
            value = self.facts.get((fact, year))
            return None if value is None else (value, year)
        # A figure of no stated year (the self-check's "latest year") ranks below any year.
        years = sorted((y for f, y in self.facts if f == fact), key=lambda y: y or 0)
        return (self.facts[(fact, years[-1])], years[-1]) if years else None

    def checklist_progress(self, items):
        """(the required items, those still open) of a program's checklist `items`; joint-only
        items are asked unless we know there are no co-builders."""
        return checklist_progress(
            items,
            self.ticked_item_ids,
            joint=self.co_builder_count != 0,
            co_builders_confirmed=self.co_builders_confirmed,
        )

    @classmethod
    def for_organization(cls, organization):
        """The organization's own profile (what matching judges before it tracks anything):
        kind, region, sectors, its partners' kinds, its facts and qualifications; `sectors`,
        `facts` and `held_qualifications` prefetched."""
        partner_kinds = organization.partner_kinds
        return cls(
            kind=organization.kind or None,
            region=organization.region,
            sectors=frozenset(organization.sectors.all()) or None,
            partner_kinds=None if partner_kinds is None else frozenset(partner_kinds),
            facts={(f.fact, f.year): f.value for f in organization.facts.all()},
            registered_on=organization.registered_on,
            qualifications=held_qualifications(organization),
        )

    @staticmethod
    def prefetch_for_application():
        """What `for_application` reads, for Application querysets (which must not
        `select_related` the organization: it comes from this prefetch).

        Each organization is loaded once with its lists, however many of the applications
        are its own, and the application's own relations come as `to_attr` lists: for a plain
        prefetch Django builds a related manager and a filtered queryset per application and
        relation (about 0.1 ms each, a third of the dashboard's time for 50 applications of
        one firm), for a list nothing."""
        return [
            Prefetch(
                "organization",
                queryset=Organization.objects.select_related("region").prefetch_related(
                    "sectors", "facts", "held_qualifications"
                ),
            ),
            Prefetch(
                "co_builders",
                # `partner_has_owner`: the card tells a unit nobody can confirm yet (no
                # account) from one that waits for its owners; in the same query.
                queryset=CoBuilder.objects.select_related("organization").annotate(
                    partner_has_owner=Exists(
                        Membership.objects.filter(
                            organization=OuterRef("organization_id"),
                            role=Membership.Role.OWNER,
                        )
                    )
                ),
                to_attr="co_builder_list",
            ),
            Prefetch("ticks", to_attr="tick_list"),
            Prefetch("confirmations", to_attr="confirmation_list"),
        ]

    @classmethod
    def for_application(cls, application):
        """The lead organization with its co-builders and ticks, as `prefetch_for_application`
        loads them."""
        organization = application.organization
        co_builders = application.co_builder_list
        partners = [cb.organization for cb in co_builders]
        return cls(
            kind=organization.kind or None,
            region=organization.region,
            sectors=frozenset(organization.sectors.all()) or None,
            partner_kinds=frozenset(p.kind for p in partners),
            co_builder_count=len(partners),
            ticked_item_ids=frozenset(t.item_id for t in application.tick_list),
            co_builders_confirmed=any(cb.confirmed_at for cb in co_builders),
            submitted=application.is_submitted,
            facts={(f.fact, f.year): f.value for f in organization.facts.all()},
            registered_on=organization.registered_on,
            qualifications=held_qualifications(organization),
            confirmed_condition_ids=frozenset(
                c.condition_id for c in application.confirmation_list
            ),
        )


def held_qualifications(organization):
    """What the profile says of an organization's qualifications: unknown (None) while it has
    entered none and not said its list is complete."""
    held = {q.qualification_id: q.valid_until for q in organization.held_qualifications.all()}
    return held if held or organization.qualifications_complete else None

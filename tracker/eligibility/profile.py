"""What the rules know about an applicant."""

from dataclasses import dataclass

from django.db.models import Prefetch

from tracker.models import CoBuilder, checklist_progress


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

    def checklist_progress(self, items):
        """(the required items, those still open) of a program's checklist `items`; joint-only
        items are asked unless we know there are no co-builders."""
        return checklist_progress(
            items,
            self.ticked_item_ids,
            joint=self.co_builder_count != 0,
            co_builders_confirmed=self.co_builders_confirmed,
        )

    @staticmethod
    def prefetch_for_application(prefix=""):
        """What `for_application` reads, for Application querysets (`select_related` the
        `organization__region` as well)."""
        return [
            f"{prefix}organization__sectors",
            Prefetch(
                f"{prefix}co_builders", queryset=CoBuilder.objects.select_related("organization")
            ),
            f"{prefix}ticks",
        ]

    @classmethod
    def for_application(cls, application):
        """The lead organization with its co-builders and ticks, from prefetched relations."""
        organization = application.organization
        co_builders = application.co_builders.all()
        partners = [cb.organization for cb in co_builders]
        return cls(
            kind=organization.kind or None,
            region=organization.region,
            sectors=frozenset(organization.sectors.all()) or None,
            partner_kinds=frozenset(p.kind for p in partners),
            co_builder_count=len(partners),
            ticked_item_ids=frozenset(t.item_id for t in application.ticks.all()),
            co_builders_confirmed=any(cb.confirmed_at for cb in co_builders),
            submitted=application.is_submitted,
        )

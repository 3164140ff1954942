"""Reads of what an organization states for the rules: its facts and qualifications."""

from tracker.models import HeldQualification


def facts_of(organization):
    """(facts, held qualifications) for the organization's facts page, in two queries."""
    facts = list(organization.facts.order_by("fact", "-year"))
    held = list(
        HeldQualification.objects.filter(organization=organization).select_related(
            "qualification"
        )
    )
    return facts, held

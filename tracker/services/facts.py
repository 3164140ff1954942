"""Writes on what an organization states about itself for the rules: its yearly facts, its
registration date and the qualifications it holds."""

from django.db import transaction

from tracker.models import HeldQualification, OrganizationFact
from tracker.services.organizations import recorded_as, require_owner


@transaction.atomic
def set_facts(
    *, organization, by, registered_on, qualifications_complete, figures, qualifications
):
    """Replace the organization's facts and qualifications with those given, all or nothing.

    `figures`: [(Fact value, year, value)]; `qualifications`: [(Qualification, valid until)].
    Only owners may: the figures decide which programs the whole team is told it may apply for.
    """
    require_owner(organization, by)
    organization.registered_on = registered_on
    organization.qualifications_complete = qualifications_complete
    recorded_as(organization, by).save(update_fields=["registered_on", "qualifications_complete"])
    rows = [
        OrganizationFact(organization=organization, fact=fact, year=year, value=value)
        for fact, year, value in figures
    ]
    held = [
        HeldQualification(organization=organization, qualification=q, valid_until=until)
        for q, until in qualifications
    ]
    for row in [*rows, *held]:
        row.full_clean(exclude=["organization"], validate_unique=False)
    organization.facts.all().delete()
    organization.held_qualifications.all().delete()
    # The unique constraints refuse a fact given twice for one year, or a qualification twice:
    # the form says so first; this is the guarantee.
    OrganizationFact.objects.bulk_create(rows)
    HeldQualification.objects.bulk_create(held)


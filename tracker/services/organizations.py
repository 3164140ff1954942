"""Writes on organizations."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tracker.models import Membership, Organization, new_calendar_token
from tracker.services.reminders import default_on_for_owner

CREDIT_CODE_TAKEN = _(
    "An organization with this unified social credit code is already registered. "
    "Its owners or an administrator can add you to it."
)


@transaction.atomic
def create_organization(
    *, user, kind, name_zh, name_en="", region=None, sectors=(), credit_code=""
):
    """A new organization with `user` as its owner. The credit code is normalised and checked
    by the model field; one that is already registered is refused on the field itself, so the
    form can say what to do (a taken code means the firm exists: joining it is the way in)."""
    organization = Organization(
        kind=kind, name_zh=name_zh, name_en=name_en, region=region, credit_code=credit_code
    )
    # Constraints after the fields: the uniqueness check must see the normalised code, and a
    # taken code gets its own message rather than the constraint's generic one.
    organization.full_clean(validate_constraints=False)
    if _credit_code_taken(organization.credit_code):
        raise _credit_code_taken_error()
    organization.validate_constraints()
    try:
        # A savepoint: a second request registering the same code at the same moment loses
        # the race at the unique constraint and gets the same message, not a 500.
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        if _credit_code_taken(organization.credit_code):
            raise _credit_code_taken_error() from None
        raise
    organization.sectors.set(sectors)
    membership = Membership.objects.create(
        user=user, organization=organization, role=Membership.Role.OWNER
    )
    default_on_for_owner(membership)
    return organization


def _credit_code_taken_error():
    return ValidationError(
        {"credit_code": ValidationError(CREDIT_CODE_TAKEN, code="credit_code_taken")}
    )


def _credit_code_taken(code):
    return bool(code) and Organization.objects.filter(credit_code=code).exists()


def reset_calendar_token(organization):
    """A new feed address; the old one stops working (e.g. after it was shared by mistake)."""
    organization.calendar_token = new_calendar_token()
    organization.save(update_fields=["calendar_token"])

"""Reads for the reminder settings page."""

from tracker.models import Contact
from tracker.selectors.organizations import member_organizations


def reminder_settings(user):
    """[(organization, the member's Contact row or None)] for each of `user`'s organizations,
    in two queries. No row means reminders were never turned on: off."""
    mine = {contact.organization_id: contact for contact in Contact.objects.filter(user=user)}
    return [
        (organization, mine.get(organization.pk))
        for organization in member_organizations(user).order_by("name_zh", "pk")
    ]

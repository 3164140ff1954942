"""Reads of organizations. Which organizations a user may see at all is defined once, in
`OrganizationQuerySet.for_user`; these narrow it for a page."""

from tracker.models import Organization


def member_organizations(user):
    """The organizations `user` belongs to (staff included: the dashboard is their own)."""
    return Organization.objects.filter(memberships__user=user)


def trackable_organizations(user, program):
    """The user's organizations that do not track `program` yet."""
    return Organization.objects.for_user(user).exclude(applications__program=program)

"""Reads of organizations. Which organizations a user may see at all is defined once, in
`OrganizationQuerySet.for_user`; these narrow it for a page."""

from django.db.models import Q
from django.db.models.functions import Length

from tracker.models import CoBuilder, Membership, Organization
from tracker.validators import normalize_credit_code


def member_organizations(user):
    """The organizations `user` belongs to (staff included: the dashboard is their own)."""
    return Organization.objects.filter(memberships__user=user)


def trackable_organizations(user, program):
    """The user's organizations that do not track `program` yet."""
    return Organization.objects.for_user(user).exclude(applications__program=program)


SUGGESTIONS = 8
MIN_QUERY = 2


def partner_suggestions(text, *, limit=SUGGESTIONS):
    """Organizations a lead may mean by `text`: its name (Chinese or English) contains it, or
    its credit code starts with it (typed the way codes are stored, see
    `normalize_credit_code`). Shortest names first: the closest to what was typed. One query;
    nothing for fewer than MIN_QUERY characters (every name contains "广")."""
    text = (text or "").strip()
    if len(text) < MIN_QUERY:
        return []
    query = Q(name_zh__icontains=text) | Q(name_en__icontains=text)
    code = normalize_credit_code(text)
    if code.isalnum() and code.isascii():
        query |= Q(credit_code__startswith=code)
    return list(
        Organization.objects.filter(query)
        .select_related("region")
        .order_by(Length("name_zh"), "name_zh", "pk")[:limit]
    )


def partnership_requests(user):
    """The co-building units waiting for `user`'s confirmation, as an owner of the partner.

    By membership only (staff included): confirming speaks for the organization."""
    return (
        CoBuilder.objects.filter(
            confirmed_at=None,
            organization__memberships__user=user,
            organization__memberships__role=Membership.Role.OWNER,
        )
        .select_related("organization", "application__organization", "application__program")
        .order_by("created_at", "pk")
    )

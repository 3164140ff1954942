"""Reads of organizations. Which organizations a user may see at all is defined once, in
`OrganizationQuerySet.for_user`; these narrow it for a page."""

from django.db.models import Q
from django.db.models.functions import Length
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tracker.models import Claim, CoBuilder, Invitation, Membership, Organization
from tracker.validators import normalize_credit_code

HISTORY_LIMIT = 50


def member_organizations(user):
    """The organizations `user` belongs to (staff included: the dashboard is their own)."""
    return Organization.objects.filter(memberships__user=user)


def trackable_organizations(user, program):
    """The user's organizations that do not track `program` yet."""
    return Organization.objects.for_user(user).exclude(applications__program=program)


def team_organization(user, pk):
    """One of the user's organizations, for its team page or an action on it; 404 for any
    other (a pending claim shows nothing of it)."""
    return get_object_or_404(member_organizations(user), pk=pk)


def team(organization, now):
    """What the team page shows, in a fixed number of queries."""
    return {
        "memberships": list(organization.memberships.select_related("user")),
        "invitations": list(
            organization.invitations.filter(
                accepted_at=None, revoked_at=None, expires_at__gt=now
            ).select_related("invited_by")
        ),
        "claims": list(
            organization.claims.filter(status=Claim.Status.PENDING).select_related("user")
        ),
        "history": team_history(organization),
    }


def team_history(organization, limit=HISTORY_LIMIT):
    """The latest `limit` changes to the team (joins, roles, removals, invitations, claims),
    newest first, each as (when, by whom, what happened): three bounded queries."""
    rows = []
    for model in (Membership, Invitation, Claim):
        records = (
            model.history.filter(organization_id=organization.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:limit]
        )
        if model is not Invitation:
            records = records.select_related("user")
        rows += [(record.history_date, record) for record in records]
    rows.sort(key=lambda row: row[0], reverse=True)
    return [
        {"when": when, "by": record.history_user, "what": _describe(record)}
        for when, record in rows[:limit]
    ]


def _describe(record):
    model = record.instance_type
    change = record.history_type
    if model is Membership:
        params = {"user": record.user, "role": record.get_role_display()}
        return {
            "+": _("%(user)s joined as %(role)s."),
            "~": _("%(user)s is now %(role)s."),
            "-": _("%(user)s left the team or was removed."),
        }[change] % params
    if model is Invitation:
        params = {"email": record.email, "role": record.get_role_display()}
        if change == "+":
            return _("%(email)s was invited as %(role)s.") % params
        if record.accepted_at:
            return _("%(email)s accepted the invitation.") % params
        if record.revoked_at:
            return _("The invitation to %(email)s was withdrawn.") % params
        return _("The invitation to %(email)s was deleted.") % params
    params = {"user": record.user}
    if change == "+":
        return _("%(user)s asked to join.") % params
    if record.status == Claim.Status.APPROVED:
        return _("The request of %(user)s was approved.") % params
    if record.status == Claim.Status.DECLINED:
        return _("The request of %(user)s was declined.") % params
    return _("The request of %(user)s was deleted.") % params


def claimable_organizations(text):
    """Organizations matching an exact credit code or name, for a claim: the page shows only
    their name, region and kind."""
    text = (text or "").strip()
    if not text:
        return Organization.objects.none()
    return Organization.objects.filter(
        Q(name_zh=text) | Q(name_en__iexact=text) | Q(credit_code=normalize_credit_code(text))
    ).select_related("region")[:10]


def pending_claims(user):
    return Claim.objects.filter(user=user, status=Claim.Status.PENDING).select_related(
        "organization"
    )


SUGGESTIONS = 8
MIN_QUERY = 2


def partner_suggestions(text, *, limit=SUGGESTIONS):
    """Organizations a lead may mean by `text`: its name (Chinese or English) contains it, or
    its credit code starts with it (typed the way codes are stored, see
    `normalize_credit_code`). Shortest names first: the closest to what was typed. One query;
    nothing for fewer than MIN_QUERY characters (every name contains "广")."""
    text = (text or "").strip()
    # A NUL byte cannot be in any name, and PostgreSQL refuses it in a comparison.
    if len(text) < MIN_QUERY or "\x00" in text:
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

"""Reads of organizations. Which organizations a user may see at all is defined once, in
`OrganizationQuerySet.for_user`; these narrow it for a page."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tracker.models import Claim, Invitation, Membership, Organization
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

"""Writes on organizations: registering one, its team (invitations, roles, leaving) and claims
on organizations that exist already.

Every change to a team is a row written through the models' HistoricalRecords; the request's
user is recorded by simple_history's middleware, and `by` where a service knows who acts (the
admin's actions, tests, the shell)."""

import datetime
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    AlertKind,
    AlertPreference,
    Claim,
    Invitation,
    Membership,
    Organization,
    new_calendar_token,
)
from tracker.notifications.invitations import send_invitation
from tracker.notifications.tokens import invitation_pk
from tracker.services.alerts import organization_saved, set_preferences
from tracker.services.reminders import default_on_for_owner

CREDIT_CODE_TAKEN = _(
    "An organization with this unified social credit code is already registered. "
    "Ask to join it instead: an owner of it or an administrator approves your request."
)
OWNER_ONLY = _("Only an owner of %(organization)s can do this.")
LAST_OWNER = _(
    "%(user)s is the only owner of %(organization)s: make someone else owner first."
)
NOT_A_MEMBER = _("Only members of %(organization)s can change its profile.")
INVITATION_INVALID = _("This invitation link is not valid. Ask for a new invitation.")
INVITATION_EXPIRED = _("This invitation has expired. Ask an owner for a new one.")


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
    if credit_code_taken(organization.credit_code):
        raise _credit_code_taken_error()
    organization.validate_constraints()
    try:
        # A savepoint: a second request registering the same code at the same moment loses
        # the race at the unique constraint and gets the same message, not a 500.
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        if credit_code_taken(organization.credit_code):
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


def credit_code_taken(code):
    return bool(code) and Organization.objects.filter(credit_code=code).exists()


def reset_calendar_token(organization):
    """A new feed address; the old one stops working (e.g. after it was shared by mistake)."""
    organization.calendar_token = new_calendar_token()
    organization.save(update_fields=["calendar_token"])


# --- Team -------------------------------------------------------------------------------------


def is_owner(user, organization):
    return Membership.objects.filter(
        organization=organization, user=user, role=Membership.Role.OWNER
    ).exists()


def require_owner(organization, user):
    """Refuse, naming the organization, unless `user` owns it (every owner-only write)."""
    if not is_owner(user, organization):
        raise ValidationError(
            OWNER_ONLY, code="owner_only", params={"organization": organization}
        )


def _owner_ids(organization):
    """The owners' user ids, read under a row lock: two owners demoting or removing each other
    at the same moment must not both pass the "another owner remains" check."""
    return set(
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Membership.Role.OWNER)
        .values_list("user_id", flat=True)
    )


def _refuse_last_owner(membership):
    if _owner_ids(membership.organization_id) == {membership.user_id}:
        raise ValidationError(
            LAST_OWNER,
            code="last_owner",
            params={"user": membership.user, "organization": membership.organization},
        )


def _locked(membership):
    """`membership` read again under a row lock (the caller's copy may be stale); refused if
    someone removed it meanwhile."""
    locked = Membership.objects.select_for_update().select_related("user", "organization")
    locked = locked.filter(pk=membership.pk).first()
    if locked is None:
        raise ValidationError(
            _("%(user)s is no longer a member."), code="not_member",
            params={"user": membership.user},
        )
    return locked


def recorded_as(instance, by):
    """Record `by` as the history row's user (the request's user is recorded without it)."""
    if by is not None:
        instance._history_user = by
    return instance


@transaction.atomic
def change_role(membership, role, by):
    """Make a member owner or an owner member; only owners may, and the last owner stays one."""
    require_owner(membership.organization, by)
    if role not in Membership.Role.values:
        raise ValidationError(
            {"role": ValidationError(_("Choose owner or member."), code="invalid_role")}
        )
    membership = _locked(membership)
    if membership.role == role:
        return membership
    if role != Membership.Role.OWNER:
        _refuse_last_owner(membership)
    membership.role = role
    recorded_as(membership, by).save(update_fields=["role"])
    default_on_for_owner(membership)
    return membership


@transaction.atomic
def remove_member(membership, by):
    """An owner removes someone from the team (themselves too, unless they are the last
    owner)."""
    require_owner(membership.organization, by)
    membership = _locked(membership)
    _refuse_last_owner(membership)
    recorded_as(membership, by).delete()


@transaction.atomic
def leave(organization, user):
    """`user` leaves the team; the last owner cannot, or nobody could manage the team."""
    membership = Membership.objects.select_for_update().filter(
        organization=organization, user=user
    ).first()
    if membership is None:
        return
    if _owner_ids(organization) == {user.pk}:
        raise ValidationError(
            _(
                "You are the only owner of %(organization)s: make someone else owner first, "
                "then leave."
            ),
            code="last_owner",
            params={"organization": organization},
        )
    recorded_as(membership, user).delete()


# --- Invitations --------------------------------------------------------------------------------


def _member_with_email(organization, email):
    users = get_user_model().objects.filter(memberships__organization=organization)
    return (
        users.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(user__in=users, email__iexact=email).exists()
    )


@transaction.atomic
def invite(organization, email, role, by):
    """An invitation by email; the mail goes out once the invitation is committed, in the
    inviter's current language. A new invitation to an address that has an open one replaces
    it (the old link stops working): re-inviting is how an owner re-sends a lost mail."""
    require_owner(organization, by)
    return _invite(organization, email, role, by)


@transaction.atomic
def invite_partner_owner(co_builder, email, by):
    """A lead's member invites someone at a partner organization that nobody has joined yet
    (typically one the lead entered on the spot) to become its owner, and so to confirm the
    partnership. Only while the partner has no owner: once it has one, its team is its own."""
    lead = co_builder.application.organization
    if not Membership.objects.filter(user=by, organization=lead).exists():
        raise ValidationError(
            _("Only members of %(organization)s can invite its partners."),
            code="not_lead_member",
            params={"organization": lead},
        )
    if _owner_ids(co_builder.organization):
        raise ValidationError(
            {
                "email": ValidationError(
                    _("%(organization)s already has an owner, who confirms for it."),
                    code="partner_has_owner",
                    params={"organization": co_builder.organization},
                )
            }
        )
    return _invite(co_builder.organization, email, Membership.Role.OWNER, by)


def _invite(organization, email, role, by):
    email = get_user_model().objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": ValidationError(_("Enter a valid email address."), code="invalid")}
        ) from None
    if role not in Membership.Role.values:
        raise ValidationError(
            {"role": ValidationError(_("Choose owner or member."), code="invalid_role")}
        )
    # Invitations to one organization are written one at a time: two owners inviting the same
    # address at once get one open invitation, not two.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if _member_with_email(organization, email):
        raise ValidationError(
            {
                "email": ValidationError(
                    _("%(email)s is already a member of %(organization)s."),
                    code="already_member",
                    params={"email": email, "organization": organization},
                )
            }
        )
    now = timezone.now()
    for previous in Invitation.objects.filter(
        organization=organization, email__iexact=email, accepted_at=None, revoked_at=None,
        expires_at__gt=now,
    ):
        previous.revoked_at = now
        recorded_as(previous, by).save(update_fields=["revoked_at"])
    invitation = recorded_as(
        Invitation(
            organization=organization,
            email=email,
            role=role,
            invited_by=by,
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=settings.INVITATION_MAX_AGE),
        ),
        by,
    )
    invitation.save()
    transaction.on_commit(partial(send_invitation, invitation, translation.get_language()))
    return invitation


def invitation_for_token(token):
    """The invitation a link names, whatever its state; ValidationError if the link is forged
    or older than INVITATION_MAX_AGE."""
    try:
        pk = invitation_pk(token, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(INVITATION_EXPIRED, code="invitation_expired") from None
    except signing.BadSignature:
        raise ValidationError(INVITATION_INVALID, code="invitation_invalid") from None
    invitation = (
        Invitation.objects.select_related("organization", "organization__region")
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        raise ValidationError(INVITATION_INVALID, code="invitation_invalid")
    return invitation


def check_open(invitation, now=None):
    """ValidationError saying why `invitation` cannot be accepted any more, if it cannot."""
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation has already been used. Ask an owner for a new one."),
            code="invitation_used",
        )
    if invitation.revoked_at is not None:
        raise ValidationError(
            _("This invitation was withdrawn by an owner of %(organization)s."),
            code="invitation_revoked",
            params={"organization": invitation.organization},
        )
    if (now or timezone.now()) >= invitation.expires_at:
        raise ValidationError(INVITATION_EXPIRED, code="invitation_expired")


@transaction.atomic
def accept_invitation(token, user):
    """`user` joins the team with the invited role. The link works once: the invitation row is
    locked, so two clicks at the same moment make one membership. Only the address it was sent
    to can accept it (a forwarded link does not let someone else in)."""
    pk = invitation_for_token(token).pk
    invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=pk)
    check_open(invitation)
    addresses = EmailAddress.objects.filter(user=user, verified=True)
    if not addresses.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("This invitation was sent to %(email)s: log in with that address to accept it."),
            code="invitation_other_email",
            params={"email": invitation.email},
        )
    if Membership.objects.filter(organization=invitation.organization, user=user).exists():
        raise ValidationError(
            _("You are already a member of %(organization)s."),
            code="already_member",
            params={"organization": invitation.organization},
        )
    membership = recorded_as(
        Membership(user=user, organization=invitation.organization, role=invitation.role), user
    )
    membership.save()
    default_on_for_owner(membership)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    recorded_as(invitation, user).save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def revoke_invitation(invitation, by):
    require_owner(invitation.organization, by)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    check_open(invitation)
    invitation.revoked_at = timezone.now()
    recorded_as(invitation, by).save(update_fields=["revoked_at"])
    return invitation


# --- Claims -------------------------------------------------------------------------------------


@transaction.atomic
def request_claim(organization, user, message=""):
    """Ask to join an organization that exists already; an owner of it or an administrator
    decides (`decide_claim`). Until then the requester sees nothing of it."""
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(
            _("You are already a member of %(organization)s."),
            code="already_member",
            params={"organization": organization},
        )
    claim = Claim(organization=organization, user=user, message=(message or "").strip())
    claim.full_clean(exclude=["organization", "user"])
    try:
        # A savepoint: a double-clicked request meets the one-pending constraint, not a 500.
        with transaction.atomic():
            recorded_as(claim, user).save()
    except IntegrityError:
        raise _claim_pending_error() from None
    return claim


def _claim_pending_error():
    return ValidationError(
        _("You have already asked to join this organization."), code="claim_pending"
    )


@transaction.atomic
def decide_claim(claim, approve, by):
    """An owner of the claimed organization, or an administrator, approves or declines a
    pending claim. Approval adds the requester as a member; an organization nobody owns yet
    (entered by an administrator or as a partner) gets its first approved claimant as owner,
    so that someone can manage its team."""
    claim = Claim.objects.select_for_update().select_related("organization", "user").get(
        pk=claim.pk
    )
    if not by.is_staff:
        require_owner(claim.organization, by)
    if claim.status != Claim.Status.PENDING:
        raise ValidationError(
            _("This request has already been decided."), code="claim_decided"
        )
    claim.status = Claim.Status.APPROVED if approve else Claim.Status.DECLINED
    claim.decided_at = timezone.now()
    claim.decided_by = by
    recorded_as(claim, by).save(update_fields=["status", "decided_at", "decided_by"])
    if approve and not Membership.objects.filter(
        organization=claim.organization, user=claim.user
    ).exists():
        role = Membership.Role.MEMBER if _owner_ids(claim.organization) else Membership.Role.OWNER
        membership = Membership(organization=claim.organization, user=claim.user, role=role)
        recorded_as(membership, by).save()
        # Not the deciding administrator's language: the claimant's is unknown, and the
        # site's default is what a new firm reads until it says otherwise.
        default_on_for_owner(membership, language=settings.LANGUAGE_CODE)
    return claim


@transaction.atomic
def save_organization_profile(user, organization, *, profile, alerts=False):
    """Write what a self-check's `profile` says (kind, region, sectors, partners' kinds) into
    `organization`, which matching reads; what the profile leaves unknown keeps its value.
    With `alerts`, `user` hears of new matching programs from now on. Once committed, the
    organization is matched against the programs open now (it may match programs published
    before it had a profile)."""
    if not Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError(NOT_A_MEMBER, code="not_a_member",
                              params={"organization": organization})
    if profile.kind is not None:
        organization.kind = profile.kind
    if profile.region is not None:
        organization.region = profile.region
    if profile.partner_kinds is not None:
        organization.partner_kinds = sorted(profile.partner_kinds)
    organization.full_clean()
    organization.save()
    if profile.sectors is not None:
        organization.sectors.set(profile.sectors)
    if alerts:
        set_preferences(user, {AlertKind.NEW_MATCH: AlertPreference.Frequency.IMMEDIATE})
    organization_saved(organization)
    return organization

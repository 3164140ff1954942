"""Organizations (enterprises, universities, research institutions), their people and contacts."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.models.catalog import Region, Sector
from tracker.models.translated import localized
from tracker.validators import normalize_credit_code, validate_credit_code


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institution")
    OTHER = "other", _("Other")


class CreditCodeField(models.CharField):
    """A unified social credit code, normalised before it is validated: model validation runs
    the field's validators before `Model.clean()`, so a lower-case or full-width code typed in
    a form, a spreadsheet or a seed file would otherwise be refused although valid."""

    def to_python(self, value):
        return normalize_credit_code(super().to_python(value))


def new_calendar_token():
    return secrets.token_urlsafe(32)


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The organizations a user may see: all for staff, else their memberships'."""
        if user.is_staff:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    credit_code = CreditCodeField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters (GB 32100-2015)."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("region"),
    )
    sectors = models.ManyToManyField(
        Sector, related_name="organizations", blank=True, verbose_name=_("sectors")
    )
    # Part of the profile matching reads (eligibility.Profile.for_organization): the kinds of
    # the partners it applies with; None means not given, [] means none.
    partner_kinds = models.JSONField(
        _("partners' kinds"), null=True, blank=True, default=None,
        help_text=_("The kinds of organization it usually applies with."),
    )
    # Read by the rules on years since registration (注册满N年) and on qualifications held.
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    qualifications_complete = models.BooleanField(
        _("the list of qualifications is complete"),
        default=False,
        help_text=_(
            "Set when the organization holds no qualification beyond those listed: a "
            "requirement for another one then fails instead of staying “not known yet”."
        ),
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Illustrative record from the seed article.")
    )
    calendar_token = models.CharField(
        _("calendar link token"),
        max_length=43,
        unique=True,
        default=new_calendar_token,
        editable=False,
        help_text=_("Secret part of the organization's calendar feed address."),
    )
    notes = models.TextField(_("notes"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
        help_text=_("The firm user who entered it, e.g. as a partner; empty when staff did."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="tracker_organization_credit_code_unique",
                violation_error_message=_(
                    "An organization with this unified social credit code already exists."
                ),
            )
        ]

    def __str__(self):
        return localized(self, "name")

    def clean(self):
        kinds = self.partner_kinds
        if kinds is not None and not (
            isinstance(kinds, list) and set(kinds) <= set(OrganizationKind.values)
        ):
            raise ValidationError({
                "partner_kinds": ValidationError(
                    _("Choose partner kinds from: %(kinds)s."),
                    code="partner_kinds",
                    params={"kinds": ", ".join(OrganizationKind.values)},
                )
            })

    @property
    def name(self):
        return localized(self, "name")


class Contact(models.Model):
    """A person at an organization who receives reminders, in their own language.

    With `user` set, the row is a member's own reminder setting (the address follows their
    account); without, it is an address an administrator entered, which receives reminders
    only while no member does (the fallback for organizations nobody has joined yet).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_settings",
        verbose_name=_("member"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], name="tracker_contact_once_per_organization"
            ),
            models.UniqueConstraint(
                fields=["organization", "user"], name="tracker_contact_once_per_member"
            ),
        ]

    def __str__(self):
        return self.email


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    # Joins, role changes and removals: who did what to the team, and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="tracker_membership_once"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class Invitation(models.Model):
    """An owner's invitation to join the team, sent by email as a signed link.

    The link carries the row's id signed with a timestamp (`notifications.tokens`); it works
    once (`accepted_at`), until `expires_at`, and not after an owner revoked it.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organization}"

    def is_open(self, now):
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class Claim(models.Model):
    """A request to be added to an organization that exists already (entered by an
    administrator, or by another firm as its partner). Until an owner of it, or an
    administrator, approves it, the requester sees nothing of the organization."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_claims",
        verbose_name=_("requested by"),
    )
    message = models.TextField(_("message"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(status="pending"),
                name="tracker_claim_one_pending",
                violation_error_message=_("You have already asked to join this organization."),
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organization}"

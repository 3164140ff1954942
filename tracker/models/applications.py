"""Applications: an organization tracking one program, with its partners and ticked items."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.models.checklists import ChecklistItem
from tracker.models.organizations import Organization
from tracker.models.programs import Program


class ApplicationQuerySet(models.QuerySet):
    def pursued(self):
        """Applications still heading for this edition: not withdrawn, not rejected."""
        return self.exclude(status__in=[Application.Status.WITHDRAWN, Application.Status.REJECTED])

    def for_user(self, user):
        """The applications of the organizations `user` may see (one definition of that:
        `OrganizationQuerySet.for_user`)."""
        if user.is_staff:
            return self
        return self.filter(organization__in=Organization.objects.for_user(user))


class Application(models.Model):
    """An organization tracking, preparing and submitting one program, as the lead applicant."""

    class Status(models.TextChoices):
        INTERESTED = "interested", _("Interested")
        PREPARING = "preparing", _("Preparing")
        SUBMITTED = "submitted", _("Submitted")
        CERTIFIED = "certified", _("Certified")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("lead organization"),
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="applications", verbose_name=_("program")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.INTERESTED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program"],
                name="tracker_application_once",
                violation_error_message=_("This organization already tracks this program."),
            )
        ]

    def __str__(self):
        return f"{self.organization} · {self.program}"

    # The one definition of who may move an application where. A firm records its own
    # progress; the outcome (certified or rejected) is the authority's decision, which only
    # an administrator enters, and only an administrator reopens a submitted application
    # once the program has closed.
    FIRM_TRANSITIONS = {
        Status.INTERESTED: [Status.PREPARING, Status.WITHDRAWN],
        Status.PREPARING: [Status.SUBMITTED, Status.WITHDRAWN],
        Status.SUBMITTED: [Status.PREPARING, Status.WITHDRAWN],
        Status.CERTIFIED: [],
        Status.REJECTED: [],
        Status.WITHDRAWN: [Status.PREPARING],
    }
    # The authority's decision: never a status a firm sets itself.
    OUTCOMES = (Status.CERTIFIED, Status.REJECTED)
    ADMIN_TRANSITIONS = {
        Status.SUBMITTED: [Status.CERTIFIED, Status.REJECTED, Status.PREPARING],
    }
    # Firm moves back into preparation (undoing a submission, resuming after a withdrawal):
    # allowed only while the program still takes applications, since afterwards the firm
    # could not submit again.
    BACK_TO_PREPARING_WHILE_OPEN = {
        (Status.SUBMITTED, Status.PREPARING),
        (Status.WITHDRAWN, Status.PREPARING),
    }
    # Statuses in which the checklist and the co-building units are frozen: what the firm
    # handed in is what the authority judges.
    LOCKED = (Status.SUBMITTED, Status.CERTIFIED, Status.REJECTED)

    @classmethod
    def allowed_statuses(cls, current, *, by_admin=False):
        allowed = list(cls.FIRM_TRANSITIONS[current])
        if by_admin:
            allowed += [s for s in cls.ADMIN_TRANSITIONS.get(current, []) if s not in allowed]
        return allowed

    @property
    def next_statuses(self):
        """Where the firm may move the application (some only while the program is open)."""
        return [self.Status(s) for s in self.allowed_statuses(self.status)]

    @property
    def is_submitted(self):
        return self.status in (self.Status.SUBMITTED, self.Status.CERTIFIED, self.Status.REJECTED)

    @property
    def is_locked(self):
        """True when the checklist ticks and the co-building units can no longer change."""
        return self.status in self.LOCKED


class CoBuilder(models.Model):
    """A partner organization building the base jointly with the lead applicant."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="co_builders"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="co_building",
        verbose_name=_("partner organization"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    # The partner's own owners confirm that they build the base with the lead applicant; until
    # then the unit is shown as unconfirmed and still counts toward the program's limit (a
    # place must not be promised twice). A declined unit is deleted.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("co-building unit")
        verbose_name_plural = _("co-building units")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organization"],
                name="tracker_cobuilder_once",
                violation_error_message=_("This partner is already a co-building unit."),
            )
        ]

    def __str__(self):
        return str(self.organization)

    @staticmethod
    def lead_error():
        return ValidationError(
            _("The lead organization cannot also be its own co-building unit."),
            code="co_builder_is_lead",
        )

    @staticmethod
    def duplicate_error():
        return ValidationError(
            _("This partner is already a co-building unit."), code="co_builder_duplicate"
        )

    def clean(self):
        # The database cannot compare across tables, so "never the lead itself" lives here and
        # in services.applications.add_co_builder.
        if self.application_id and self.organization_id == self.application.organization_id:
            raise ValidationError({"organization": self.lead_error()})


class ChecklistTick(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="ticks")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="ticks", verbose_name=_("item")
    )
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("ticked by"),
    )
    ticked_at = models.DateTimeField(_("ticked"), default=timezone.now)

    class Meta:
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="tracker_tick_once")
        ]

    def __str__(self):
        return str(self.item)

    def clean(self):
        if (
            self.application_id
            and self.item_id
            and self.item.program_id != self.application.program_id
        ):
            raise ValidationError(
                {"item": _("This item belongs to another program's checklist.")},
                code="tick_other_program",
            )


class ItemWork(models.Model):
    """Who on the team prepares one checklist item of an application, by when, with a note."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="item_work"
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="work", verbose_name=_("item")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checklist_work",
        verbose_name=_("responsible"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist item work")
        verbose_name_plural = _("checklist item work")
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="tracker_item_work_once")
        ]

    def __str__(self):
        return str(self.item)


def attachment_path(instance, filename):
    """A random name under the application: the stored name never carries the uploaded one
    (kept in `original_name`), so it can neither collide, be guessed, nor traverse."""
    return f"attachments/{instance.application_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file uploaded for one checklist item. Stored through Django's storage API and served
    only by a view that checks membership, never from a public URL."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("item")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

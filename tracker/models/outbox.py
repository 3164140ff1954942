"""The reminder outbox, and the subscribers who follow a program without an application."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models.applications import Application
from tracker.models.milestones import Milestone
from tracker.models.organizations import Contact
from tracker.models.programs import Program
from tracker.models.webhooks import Webhook


class Subscription(models.Model):
    """Someone without an application who follows a program's milestones of one audience.

    Recommending bureaus (county S&T bureaus forwarding applications to the city) have no
    Application of their own: this is how they get the bureau-side dates.
    """

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("program")
    )
    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    audience = models.CharField(
        _("audience"),
        max_length=10,
        choices=Milestone.Audience.choices,
        default=Milestone.Audience.BUREAU,
    )
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["program", "email"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "email"],
                name="tracker_subscription_once",
                violation_error_message=_("This address already follows this program."),
            )
        ]

    def __str__(self):
        return self.email


class OutboxQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=OutboxRow.Status.PENDING, next_attempt_at__lte=now)

    def stuck(self, now):
        return self.filter(OutboxRow.stuck_q(now))


class OutboxRow(models.Model):
    """What every outbox row carries for `notifications.sending` (reminders, alert deliveries):
    the delivery state, the claim and the backoff. The subclass adds who gets what, under its
    own unique key."""

    LEASE = datetime.timedelta(minutes=15)

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPERSEDED = "superseded", _("Superseded")
        CANCELLED = "cancelled", _("Cancelled")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        indexes = [
            # notifications.sending.claim() scans pending rows by next attempt time.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_due_idx",
            ),
        ]

    @classmethod
    def stuck_q(cls, now):
        """Claimed longer ago than the lease: the sender died mid-batch, or SMTP hung. Whether
        the mail went out is unknown, so these wait for a person instead of being resent."""
        return Q(status=cls.Status.SENDING, claimed_at__lt=now - cls.LEASE)

    def is_stuck(self, now):
        return self.status == self.Status.SENDING and self.claimed_at < now - self.LEASE

    def backoff(self):
        """5, 10, 20 … minutes (by default) after the 1st, 2nd, 3rd failed attempt."""
        base = settings.REMINDER_BACKOFF_SECONDS
        return datetime.timedelta(seconds=base * 2 ** max(self.attempts - 1, 0))


class Reminder(OutboxRow):
    """The outbox: one message to one reader about one milestone date. A reader is a contact
    (by email), a subscription (by email) or an organization's group robot (by webhook).

    The row is the truth, the queue only a trigger: planning inserts rows (a rerun hits the
    unique key and inserts nothing), senders claim rows with a conditional update, and a row
    is marked sent right after the channel accepted it.
    """

    CHANGE_NOTICE = -1

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("milestone")
    )
    # A reader is an application's contact, a subscription or an application's organization's
    # webhook: exactly one of them (see the check below).
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders",
        verbose_name=_("group robot"),
    )
    # "c<contact id>", "s<subscription id>" or "w<webhook id>": a non-null stand-in for the
    # reader in the unique key, because NULLs never collide in a unique constraint on SQLite or
    # PostgreSQL.
    recipient_key = models.CharField(_("recipient"), max_length=24)
    lead_days = models.SmallIntegerField(
        _("lead days"), help_text=_("Days before the date; -1 for a notice that the date moved.")
    )
    version = models.PositiveIntegerField(_("date version"))
    due_on = models.DateField(_("due on"))

    class Meta(OutboxRow.Meta):
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "milestone", "lead_days", "version"],
                name="tracker_reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(
                    contact__isnull=False, application__isnull=False, subscription=None,
                    webhook=None,
                )
                | Q(contact=None, application=None, subscription__isnull=False, webhook=None)
                | Q(
                    contact=None, application__isnull=False, subscription=None,
                    webhook__isnull=False,
                ),
                name="tracker_reminder_one_reader",
            ),
            models.CheckConstraint(
                condition=Q(lead_days__gte=-1), name="tracker_reminder_lead_days_range"
            ),
        ]

    def __str__(self):
        return f"{self.recipient_key} · {self.milestone_id} · {self.lead_days}"

    @property
    def is_change_notice(self):
        return self.lead_days == self.CHANGE_NOTICE

    @property
    def reader(self):
        return self.contact or self.subscription or self.webhook

    @property
    def address(self):
        """Where the message goes: an email address, or a robot's address without its key."""
        return self.webhook.masked_url if self.webhook_id else self.reader.email

    @property
    def channel_kind(self):
        """Which channel delivers this row (notifications.sending picks it by this)."""
        return "webhook" if self.webhook_id else "email"

    @staticmethod
    def key_for(reader):
        prefix = {Contact: "c", Subscription: "s", Webhook: "w"}[type(reader)]
        return f"{prefix}{reader.pk}"


class OutboxChange(models.Model):
    """A write that may change what planning would do, not looked at yet. Database triggers
    (created by the migration that adds this table) add a row whenever an application,
    contact, subscription or group robot is inserted, deleted or has a column planning reads
    updated, when an outbox row goes back to pending or is sent about an outdated date, and
    when outbox rows are deleted.

    Triggers rather than signals or service calls, because they also see queryset.update(),
    bulk_create(), the admin, imports and hand-written SQL: a change nobody recorded would be a
    reminder silently never planned. Planning deletes the rows it saw, in its own transaction.
    """

    source = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("outbox change")
        verbose_name_plural = _("outbox changes")

    def __str__(self):
        return self.source


class PlanningState(models.Model):
    """The last complete planning run (one row): the signature of the milestone dates, versions
    and crossed leads it planned for. A sweep that finds the same signature and no
    OutboxChange would insert and retire nothing, so it stops there."""

    signature = models.CharField(max_length=64)
    planned_at = models.DateTimeField()

    class Meta:
        verbose_name = _("planning state")
        verbose_name_plural = _("planning states")

    def __str__(self):
        return f"{self.planned_at:%Y-%m-%d %H:%M} {self.signature[:12]}"

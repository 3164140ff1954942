"""Alerts ("the policy finds the firm"): news for an organization about a program, and its
deliveries to each member who wants it, on each channel.

Two tables, like the reminder outbox: `AlertMessage` is *what* happened (one row per
organization, program, edition version and kind, whoever reads it) and `AlertDelivery` is the
outbox row of one reader on one channel (`notifications.sending` claims and sends the email
ones; the in-app ones are the notification centre). Both are planned set-based by
`notifications.alerts`, against their unique keys, so a rerun inserts nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.applications import Application
from tracker.models.organizations import Organization
from tracker.models.outbox import OutboxRow
from tracker.models.programs import Program
from tracker.models.webhooks import Webhook


class AlertKind(models.TextChoices):
    NEW_MATCH = "new_match", _("New programs that match")
    VERDICT_CHANGE = "verdict_change", _("Changed verdicts of tracked programs")
    OPENED = "opened", _("Programs you asked about, when they open")
    SAVED_SEARCH = "saved_search", _("New programs in your saved searches")


class AlertMessage(models.Model):
    """One piece of news for one organization.

    `version` is the program's `alert_version` the news was judged on: the key lets a firm that
    only matches after a change of the rules be told, and never tells anyone twice about the
    same version. `verdict` is the organization's summary status ("eligible", "incomplete" or
    "not_eligible"); `changes` lists, for a verdict change, each rule whose finding moved, with
    the parameters its sentence needs (see `notifications.alert_texts`).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="alerts",
        verbose_name=_("organization"),
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("program")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    version = models.PositiveIntegerField(_("program version"))
    verdict = models.CharField(_("verdict"), max_length=20)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    # Set for `AlertKind.SAVED_SEARCH` only: the member's search the program now matches.
    # Such news is told once per (search, program), whatever the version, and only to the
    # search's owner (`notifications.alerts.plan_deliveries`).
    saved_search = models.ForeignKey(
        "SavedSearch", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts",
        verbose_name=_("saved search"),
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program", "version", "kind"], name="tracker_alert_once",
                condition=Q(saved_search=None),
            ),
            models.UniqueConstraint(
                fields=["saved_search", "program"], name="tracker_alert_once_per_search",
                condition=Q(saved_search__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.program_id} · {self.organization_id}"


class AlertChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("Notification centre")
    WEBHOOK = "webhook", _("Group robot")


class AlertDelivery(OutboxRow):
    """One alert to one reader on one channel: an outbox row.

    A reader is a member (`user`: email and in-app) or one of the organization's group robots
    (`webhook`, channel "webhook"), never both. Email and robot rows start pending and go
    through `notifications.sending` like reminders (claim, backoff, stuck rows flagged). In-app
    rows are delivered by being written: they start sent, and `read_at` records that the
    member opened or dismissed them.
    """

    message = models.ForeignKey(
        AlertMessage, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("alert"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="alert_deliveries", verbose_name=_("member"),
    )
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, null=True, blank=True,
        related_name="alert_deliveries", verbose_name=_("group robot"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=AlertChannel.choices)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta(OutboxRow.Meta):
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "message", "channel"], name="tracker_alertdelivery_once"
            ),
            # A robot row has no user, and NULLs never collide in a unique key: its own key.
            models.UniqueConstraint(
                fields=["webhook", "message"], name="tracker_alertdelivery_robot_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, webhook__isnull=True)
                    & ~Q(channel=AlertChannel.WEBHOOK)
                ) | Q(user__isnull=True, webhook__isnull=False, channel=AlertChannel.WEBHOOK),
                name="tracker_alertdelivery_one_reader",
            ),
        ]
        indexes = [
            *OutboxRow.Meta.indexes,
            # The header's unread count and the notification centre (selectors.alerts).
            models.Index(
                fields=["user", "channel", "read_at"], name="tracker_alert_inbox_idx"
            ),
        ]

    def __str__(self):
        reader = self.user_id if self.webhook_id is None else f"w{self.webhook_id}"
        return f"{reader} · {self.message_id} · {self.channel}"


class AlertPreference(models.Model):
    """How one person wants one kind of alert. Without a row, `DEFAULTS` apply: news of new
    matching programs is opt-in, a changed verdict of a program one's organization tracks is
    sent at once."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest (Mondays)")
        OFF = "off", _("Off")

    DEFAULTS = {
        AlertKind.NEW_MATCH: Frequency.OFF,
        AlertKind.VERDICT_CHANGE: Frequency.IMMEDIATE,
        AlertKind.OPENED: Frequency.IMMEDIATE,
        # The member asked for these by saving the search.
        AlertKind.SAVED_SEARCH: Frequency.IMMEDIATE,
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="tracker_alertpreference_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}: {self.frequency}"


class ProgramWatch(models.Model):
    """A member's "notify me when it opens" on an upcoming program, for one of their
    organizations: the day it opens, the organization gets an `AlertKind.OPENED` alert."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="program_watches",
        verbose_name=_("organization"),
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="watches", verbose_name=_("program")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("program watch")
        verbose_name_plural = _("program watches")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program"], name="tracker_programwatch_once"
            )
        ]

    def __str__(self):
        return f"{self.organization_id} · {self.program_id}"


class AlertDigest(OutboxRow):
    """One digest mail to one member: everything of the kinds they take daily (or weekly)
    that reached their notification centre after `since` (the previous digest's `until`; None
    for the first) up to `until`. Planned once per member, frequency and `period` (the Beijing
    date it was planned on) against its unique key; sent through `notifications.sending`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_digests",
        verbose_name=_("member"),
    )
    frequency = models.CharField(_("frequency"), max_length=10)
    period = models.DateField(_("period"))
    since = models.DateTimeField(_("since"), null=True, blank=True)
    until = models.DateTimeField(_("until"))

    class Meta(OutboxRow.Meta):
        verbose_name = _("alert digest")
        verbose_name_plural = _("alert digests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period"], name="tracker_alertdigest_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id} · {self.frequency} · {self.period}"


class SavedSearch(models.Model):
    """A member's filter combination of the program list (its query string, as
    `web.forms.ProgramFilterForm` reads it), kept under a name: when a program is published or
    changed so that the list would show it, the member is told (`AlertKind.SAVED_SEARCH`).
    It belongs to one of the member's organizations, whose notification centre shows it."""

    LIMIT = 20  # per member: each costs a few queries on every sweep that finds a change

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches",
        verbose_name=_("member"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="saved_searches",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=60)
    # Room for every filter the list's form accepts at its longest (100 keywords, percent-encoded
    # at up to 9 characters each), as `services.alerts.search_querystring` keeps them.
    querystring = models.CharField(_("filters"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["user", "name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "querystring"], name="tracker_savedsearch_once"
            )
        ]

    def __str__(self):
        return self.name

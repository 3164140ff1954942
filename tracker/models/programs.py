"""Programs: one edition of a support call, with its dates and its rules as parameters."""

import datetime
import operator
import zoneinfo
from functools import reduce

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone as django_timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.models.catalog import Authority, Region, Sector
from tracker.models.milestones import Milestone
from tracker.models.organizations import OrganizationKind
from tracker.models.timezones import (
    ZoneTime,
    local_date,
    local_dates_anywhere,
    validate_timezone_name,
)
from tracker.models.translated import localized

CLOSING_SOON_DAYS = 14
DEFAULT_REMINDER_DAYS = [30, 14, 7, 3, 1]


def default_reminder_days():
    return list(DEFAULT_REMINDER_DAYS)


class preloadable:
    """A property that `eligibility.registry.load_rule_lists` may set for many instances at once.

    What was set wins (and a copy of the instance keeps it); otherwise the method runs on each
    read, never cached, so an edited copy of a program loaded without it (the admin's impact
    preview) sees its own related lists.
    """

    def __init__(self, method):
        self.method = method
        self.__doc__ = method.__doc__

    # Only __get__, no __set__: a value set on the instance shadows this descriptor.
    def __get__(self, instance, owner=None):
        return self if instance is None else self.method(instance)


def _status_q(status, today):
    """The programs dated so that `Program.status_on(today)` is `status`."""
    soon = today + datetime.timedelta(days=CLOSING_SOON_DAYS)
    return {
        Program.Status.UPCOMING: Q(opens_on__gt=today),
        Program.Status.OPEN: Q(opens_on__lte=today, deadline__gt=soon),
        Program.Status.CLOSING: Q(opens_on__lte=today, deadline__gte=today, deadline__lte=soon),
        Program.Status.CLOSED: Q(deadline__lt=today),
    }[status]


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def real(self):
        """Programs from real notices, without the example catalog."""
        return self.filter(is_demo=False)

    def with_status(self, statuses, now=None, zones=None):
        """Programs whose `status_on()` at `now` is one of `statuses`, each judged on its own
        time zone's date, as one filter (lists, the admin's filter).

        One small query first finds the zones in use: a program in Urumqi or Honolulu must not
        close on Beijing's date.
        """
        return self.filter(self.status_q(statuses, now, zones))

    def status_q(self, statuses, now=None, zones=None):
        """The condition of `with_status` (after the zones query, unless the caller that
        builds several such conditions gives `zones`: a superset of those in use), for a
        caller that counts several statuses in one aggregate."""
        statuses = {statuses} if isinstance(statuses, str) else set(statuses)
        undated = Q(opens_on__isnull=True) | Q(deadline__isnull=True)
        conditions = [undated] if Program.Status.DRAFT in statuses else []
        dated = statuses - {Program.Status.DRAFT}
        if dated:
            if zones is None:
                zones = self.order_by().values_list("timezone", flat=True).distinct()
            for zone in zones:
                today = local_date(zone, now)
                by_status = reduce(operator.or_, (_status_q(s, today) for s in dated))
                conditions.append(Q(timezone=zone) & ~undated & by_status)
        # No condition: nothing matches (a primary key is never null).
        return reduce(operator.or_, conditions) if conditions else Q(pk__isnull=True)

    def taking_applications(self, now=None):
        """Open or closing soon, on each program's own date."""
        return self.with_status(TAKING_APPLICATIONS, now)

    def around_taking_applications(self, now=None):
        """A superset of `taking_applications(now)` that needs no query of its own, for a
        caller that loads every row anyway and keeps those whose `takes_applications(now)`."""
        earliest, latest = local_dates_anywhere(now)
        return self.filter(opens_on__lte=latest, deadline__gte=earliest)



class Program(models.Model):
    """One edition of a support call, with its rules as parameters the eligibility code reads."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dates not set")
        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSING = "closing", _("Closing within 14 days")
        CLOSED = "closed", _("Closed")

    class SectorPolicy(models.TextChoices):
        PRIORITY = "priority", _("Listed sectors get priority; others may apply")
        REQUIRED = "required", _("Only listed sectors may apply")

    class BenefitKind(models.TextChoices):
        """What a successful applicant mainly gets, for readers who look for one kind."""

        FUNDING = "funding", _("Funding or subsidy")
        TAX = "tax", _("Tax relief")
        FINANCING = "financing", _("Loans and financing")
        RECOGNITION = "recognition", _("Certification or title")
        SERVICES = "services", _("Space and services")
        OTHER = "other", _("Other support")

    class Partnership(models.TextChoices):
        NONE = "", _("No preference")
        ACADEMIA_ENTERPRISE = (
            "academia_enterprise",
            _("Research institution or university + enterprise, either side leading"),
        )

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    short_name_zh = models.CharField(_("short name (Chinese)"), max_length=50, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=100, blank=True)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="programs", verbose_name=_("authority")
    )
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    benefits_zh = models.TextField(_("benefits (Chinese)"), blank=True)
    benefits_en = models.TextField(_("benefits (English)"), blank=True)
    benefit_kind = models.CharField(
        _("kind of benefit"),
        max_length=20,
        choices=BenefitKind.choices,
        blank=True,
        help_text=_("What a successful applicant mainly gets; the program list filters on it."),
    )
    contact_zh = models.CharField(_("local contact (Chinese)"), max_length=200, blank=True)
    contact_en = models.CharField(_("local contact (English)"), max_length=200, blank=True)

    source_publication = models.CharField(_("source publication"), max_length=200)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    source_url = models.URLField(_("source URL"), blank=True)
    source_file = models.CharField(
        _("source file"), max_length=200, blank=True, help_text=_("Seed file holding the text.")
    )

    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    deadline = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("Last day for applicants to submit, inclusive, in the program's time zone."),
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone_name]
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown to firms and used for reminders.")
    )
    # The example catalog of `load_seeds --demo` (dates relative to the day it is loaded), so a
    # newcomer can try every feature on open programs. Pages mark each such program "示例数据";
    # anything that hands programs on as facts (exports, feeds for others) uses `real()`.
    is_demo = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("An example program for trying the site, not a real call for applications."),
    )
    # Set the first time the program is saved published (see save()): "posted in the last 7
    # days", "new since your last visit" and the feed read it; unpublishing keeps it.
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)

    priority_sectors = models.ManyToManyField(
        Sector,
        through="ProgramSector",
        related_name="programs",
        blank=True,
        verbose_name=_("priority sectors"),
    )
    sector_policy = models.CharField(
        _("sector policy"),
        max_length=20,
        choices=SectorPolicy.choices,
        default=SectorPolicy.PRIORITY,
    )
    sector_clause = models.TextField(_("sector clause"), blank=True)
    max_co_builders = models.PositiveSmallIntegerField(
        _("maximum co-building units"),
        null=True,
        blank=True,
        help_text=_("Empty means no limit."),
    )
    co_builder_clause = models.TextField(_("co-builder clause"), blank=True)
    preferred_partnership = models.CharField(
        _("preferred partnership"),
        max_length=30,
        choices=Partnership.choices,
        default=Partnership.NONE,
        blank=True,
    )
    partnership_clause = models.TextField(_("partnership clause"), blank=True)
    eligible_kinds = models.JSONField(
        _("eligible organization kinds"),
        default=list,
        blank=True,
        help_text=_("Empty means every kind may apply."),
    )
    kinds_clause = models.TextField(_("organization kind clause"), blank=True)
    regions = models.ManyToManyField(
        Region,
        related_name="programs",
        blank=True,
        verbose_name=_("eligible regions"),
        help_text=_("The applicant must be in one of these; empty means anywhere."),
    )
    region_clause = models.TextField(_("region clause"), blank=True)
    deadline_clause = models.TextField(_("deadline clause"), blank=True)
    reminder_days = models.JSONField(
        _("reminder lead days"),
        default=default_reminder_days,
        help_text=_("Days before each deadline when trackers get an email."),
    )
    send_hour = models.PositiveSmallIntegerField(
        _("reminder send hour"), default=9, help_text=_("Local hour (0–23) when reminders go out.")
    )
    item_due_days = models.PositiveSmallIntegerField(
        _("checklist items due (days before the deadline)"),
        default=5,
        validators=[MaxValueValidator(60)],
        help_text=_(
            "Default due date of each checklist item an applicant assigns: this many days "
            "before the applicant deadline, leaving time to assemble and submit."
        ),
    )
    cloned_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_editions",
        verbose_name=_("previous edition"),
    )
    # The version goes up when what the verdicts read changes (its fingerprint, see
    # `eligibility.registry.fingerprint`): alerts are planned once per version, and a version
    # not planned yet (a lost task) is planned by the next sweep (notifications.alerts).
    alert_version = models.PositiveIntegerField(_("alert version"), default=0, editable=False)
    alert_fingerprint = models.CharField(
        _("alert fingerprint"), max_length=64, blank=True, editable=False
    )
    alert_planned_version = models.PositiveIntegerField(
        _("alert version planned"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Row fields only: sectors, milestones and checklist rows are not versioned.
    history = HistoricalRecords()

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "slug"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(deadline__isnull=True)
                | Q(deadline__gte=models.F("opens_on")),
                name="tracker_program_deadline_after_opening",
                violation_error_code="deadline_before_opening",
                violation_error_message=_("The deadline must not be before the opening date."),
            ),
            models.CheckConstraint(
                condition=Q(is_published=False)
                | Q(opens_on__isnull=False, deadline__isnull=False),
                name="tracker_program_published_has_dates",
                violation_error_code="published_without_dates",
                violation_error_message=_(
                    "A published program needs both an opening date and a deadline."
                ),
            ),
            models.CheckConstraint(
                condition=Q(send_hour__lte=23), name="tracker_program_send_hour_range"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if isinstance(self.reminder_days, list):
            self.reminder_days = sorted(set(self.reminder_days), reverse=True)
        if self.is_published and self.published_at is None:
            self.published_at = django_timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.sync_deadline_milestone()

    def clean(self):
        errors = {}
        if self.opens_on and self.deadline and self.deadline < self.opens_on:
            errors["deadline"] = ValidationError(
                _("The deadline (%(deadline)s) must not be before the opening date (%(opens)s)."),
                code="deadline_before_opening",
                params={"deadline": self.deadline, "opens": self.opens_on},
            )
        if self.is_published:
            for name in ("opens_on", "deadline"):
                if getattr(self, name) is None:
                    errors[name] = ValidationError(
                        _("A published program needs this date; set it or unpublish."),
                        code="required_when_published",
                    )
        kinds = set(OrganizationKind.values)
        if not isinstance(self.eligible_kinds, list) or not set(self.eligible_kinds) <= kinds:
            errors["eligible_kinds"] = ValidationError(
                _("Choose organization kinds from: %(kinds)s."),
                code="eligible_kinds",
                params={"kinds": ", ".join(sorted(kinds))},
            )
        if not isinstance(self.reminder_days, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 365
            for d in self.reminder_days
        ):
            errors["reminder_days"] = ValidationError(
                _("Reminder lead days must be whole numbers from 0 to %(limit)d."),
                code="reminder_days",
                params={"limit": 365},
            )
        if errors:
            raise ValidationError(errors)

    @property
    def title(self):
        return localized(self, "title")

    @property
    def short_name(self):
        return localized(self, "short_name") or self.title

    @property
    def summary(self):
        return localized(self, "summary")

    @property
    def benefits(self):
        return localized(self, "benefits")

    @property
    def contact(self):
        return localized(self, "contact")

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def zone_time(self):
        """The zone in prose: 北京时间 / Beijing time for Asia/Shanghai (see `ZoneTime`)."""
        return ZoneTime(self.timezone)

    def local_today(self, now=None):
        """Today in the program's time zone (see `local_date`)."""
        return local_date(self.timezone, now)

    def item_due_on(self):
        """The default due date of an applicant's checklist item (a date in the program's
        zone, like the deadline): `item_due_days` before the deadline."""
        if self.deadline is None:
            return None
        return self.deadline - datetime.timedelta(days=self.item_due_days)

    def days_left(self, today=None):
        """Whole days until the deadline day: 0 on the deadline day itself, negative after."""
        if self.deadline is None:
            return None
        return (self.deadline - (today or self.local_today())).days

    def status_on(self, today=None):
        return dated_status(self.opens_on, self.deadline, today or self.local_today())

    def takes_applications(self, now=None):
        return self.status_on(self.local_today(now)) in TAKING_APPLICATIONS

    def sync_deadline_milestone(self):
        """Keep the applicant-deadline milestone equal to `deadline`.

        Reminders and the timeline read milestones only; the deadline lives on the program too
        because lists, filters and the opening-date constraint need it in the same row.
        """
        if self.deadline is None:
            self.milestones.filter(kind=Milestone.Kind.DEADLINE).delete()
            return
        milestone = self.milestones.filter(kind=Milestone.Kind.DEADLINE).first()
        if milestone is None:
            Milestone.objects.create(
                program=self,
                kind=Milestone.Kind.DEADLINE,
                title_zh="申报材料截止",
                title_en="Application materials due",
                due_on=self.deadline,
                audience=Milestone.Audience.APPLICANT,
            )
        elif milestone.due_on != self.deadline:
            milestone.due_on = self.deadline
            milestone.save()

    def sectors_in_order(self):
        return [ps.sector for ps in self.program_sectors.select_related("sector")]

    @cached_property
    def applicant_stages(self):
        """Dated steps for applicants besides the deadline; the deadline rule's prefetch fills
        it for many programs at once."""
        return [
            m
            for m in self.milestones.all()
            if m.kind == Milestone.Kind.STAGE and m.audience == Milestone.Audience.APPLICANT
        ]

    @preloadable
    def priority_sector_ids(self):
        """What the sector rule reads."""
        return frozenset(ps.sector_id for ps in self.program_sectors.all())

    @preloadable
    def eligible_regions(self):
        """What the region rule reads."""
        return list(self.regions.all())



TAKING_APPLICATIONS = [Program.Status.OPEN, Program.Status.CLOSING]


def dated_status(opens_on, deadline, today):
    """The status of a program with these dates on `today` (its zone's date): the one
    definition, for a program (`Program.status_on`) and for lists that judge thousands of
    them from their dates alone (`selectors.listing`)."""
    Status = Program.Status
    if opens_on is None or deadline is None:
        return Status.DRAFT
    if today < opens_on:
        return Status.UPCOMING
    if today > deadline:
        return Status.CLOSED
    if (deadline - today).days <= CLOSING_SOON_DAYS:
        return Status.CLOSING
    return Status.OPEN


class ProgramSector(models.Model):
    """A priority sector of a program, in the order the notice lists them."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="program_sectors")
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="program_sectors", verbose_name=_("sector")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("priority sector")
        verbose_name_plural = _("priority sectors")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "sector"],
                name="tracker_programsector_once",
                violation_error_message=_("This sector is already listed for the program."),
            )
        ]

    def __str__(self):
        return str(self.sector)



"""The domain: programs (one edition of a call), their dates and rules, and the firms tracking them.

Translatable content is stored as `<field>_zh` / `<field>_en` pairs; `localized()` picks the
reader's language and falls back to Chinese, the language every notice is published in.
"""

import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.validators import validate_credit_code

CLOSING_SOON_DAYS = 14
DEFAULT_REMINDER_DAYS = [30, 14, 7, 3, 1]


def default_reminder_days():
    return list(DEFAULT_REMINDER_DAYS)


def localized(obj, field):
    """`obj.<field>_en` when the active language is English and it is filled, else `_zh`."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_zh")


def new_calendar_token():
    return secrets.token_urlsafe(32)


def validate_timezone_name(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Shanghai."),
            code="timezone",
            params={"value": value},
        ) from exc


class preloadable:
    """A property that `eligibility.load_rule_lists` may set for many instances at once.

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


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institution")
    OTHER = "other", _("Other")


class Region(models.Model):
    """An administrative division, keyed by its GB/T 2260 code (450000 Guangxi, 450200 Liuzhou)."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="tracker_region_code_six_digits"
            )
        ]

    def __str__(self):
        return localized(self, "name")

    @property
    def prefix(self):
        """The significant part of the code: 45 for a province, 4502 for a city."""
        code = self.code
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
        return code

    def contains(self, other):
        return other.code.startswith(self.prefix)


class Authority(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial / autonomous region")
        MUNICIPAL = "municipal", _("Municipal")
        DISTRICT = "district", _("District / county")

    name_zh = models.CharField(_("name (Chinese)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name_zh = models.CharField(_("short name (Chinese)"), max_length=50, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="authorities", verbose_name=_("region")
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("issuing authority")
        verbose_name_plural = _("issuing authorities")

    def __str__(self):
        return localized(self, "name")


class Sector(models.Model):
    """The shared sector taxonomy that programs prioritise and organizations declare."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return localized(self, "name")


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_on(self, today):
        """Programs taking applications on `today`: open or closing soon."""
        return self.filter(opens_on__lte=today, deadline__gte=today)

    def with_status(self, status, today):
        """Programs whose `status_on(today)` is `status`, as one filter (for lists and admin)."""
        if status == Program.Status.DRAFT:
            return self.filter(Q(opens_on__isnull=True) | Q(deadline__isnull=True))
        dated = self.filter(opens_on__isnull=False, deadline__isnull=False)
        soon = today + datetime.timedelta(days=CLOSING_SOON_DAYS)
        return {
            Program.Status.UPCOMING: dated.filter(opens_on__gt=today),
            Program.Status.OPEN: dated.filter(opens_on__lte=today, deadline__gt=soon),
            Program.Status.CLOSING: dated.filter(
                opens_on__lte=today, deadline__gte=today, deadline__lte=soon
            ),
            Program.Status.CLOSED: dated.filter(deadline__lt=today),
        }[status]


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
    cloned_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_editions",
        verbose_name=_("previous edition"),
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

    def local_today(self, now=None):
        """Today in the program's time zone (the UTC date is a day behind before 08:00 Beijing)."""
        return timezone.localtime(now or timezone.now(), self.tzinfo).date()

    def deadline_at(self):
        """The first instant after the deadline: midnight that ends the deadline day, locally."""
        if self.deadline is None:
            return None
        end = datetime.datetime.combine(self.deadline + datetime.timedelta(days=1), datetime.time())
        return end.replace(tzinfo=self.tzinfo)

    def days_left(self, today=None):
        """Whole days until the deadline day: 0 on the deadline day itself, negative after."""
        if self.deadline is None:
            return None
        return (self.deadline - (today or self.local_today())).days

    def status_on(self, today=None):
        today = today or self.local_today()
        if self.opens_on is None or self.deadline is None:
            return self.Status.DRAFT
        if today < self.opens_on:
            return self.Status.UPCOMING
        if today > self.deadline:
            return self.Status.CLOSED
        if self.days_left(today) <= CLOSING_SOON_DAYS:
            return self.Status.CLOSING
        return self.Status.OPEN

    def is_open_on(self, today=None):
        return self.status_on(today) in (self.Status.OPEN, self.Status.CLOSING)

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
        """Dated steps for applicants besides the deadline; `eligibility.prefetch_for_rules`
        fills it for many programs at once."""
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

    @transaction.atomic
    def clone_as_next_edition(self):
        """A copy for next year's call: same rules, sectors, regions and checklist.

        Dates are left empty (and the copy unpublished): next year's notice sets them.
        """
        clone = Program.objects.get(pk=self.pk)
        clone.pk = None
        clone.year = self.year + 1
        clone.slug = self._next_edition_slug()
        clone.title_zh = self.title_zh.replace(str(self.year), str(self.year + 1))
        clone.title_en = self.title_en.replace(str(self.year), str(self.year + 1))
        clone.opens_on = clone.deadline = clone.source_date = None
        clone.is_published = False
        clone.cloned_from = self
        clone.save()
        clone.regions.set(self.regions.all())
        ProgramSector.objects.bulk_create(
            ProgramSector(program=clone, sector_id=ps.sector_id, position=ps.position)
            for ps in self.program_sectors.all()
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                program=clone,
                position=item.position,
                title_zh=item.title_zh,
                title_en=item.title_en,
                kind=item.kind,
                required=item.required,
                joint_only=item.joint_only,
                citation=item.citation,
            )
            for item in self.checklist_items.all()
        )
        return clone

    def _next_edition_slug(self):
        base = self.slug.replace(str(self.year), str(self.year + 1))
        if base == self.slug:
            base = f"{self.slug}-{self.year + 1}"
        slug, n = base, 2
        while Program.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


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


class Milestone(models.Model):
    """A dated step of a program; reminders follow the milestones whose audience is the reader."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("Applicant deadline")
        STAGE = "stage", _("Other stage")

    class Audience(models.TextChoices):
        APPLICANT = "applicant", _("Applicants")
        BUREAU = "bureau", _("Recommending bureaus")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STAGE)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"), help_text=_("Inclusive, in the program's time zone."))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.APPLICANT
    )
    version = models.PositiveIntegerField(
        _("date version"), default=1, editable=False, help_text=_("Goes up when the date moves.")
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(kind="deadline"),
                name="tracker_milestone_one_deadline_per_program",
            )
        ]

    def __str__(self):
        return f"{localized(self, 'title')} ({self.due_on})"

    def save(self, *args, **kwargs):
        # A moved date is a new version: reminders planned for the old date no longer apply.
        if self.pk is not None:
            old = Milestone.objects.filter(pk=self.pk).values_list("due_on", flat=True).first()
            if old is not None and old != self.due_on:
                self.version += 1
        super().save(*args, **kwargs)

    @property
    def title(self):
        return localized(self, "title")


class ChecklistItem(models.Model):
    """A material to submit or an attestation to make, ticked by each applicant."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Material")
        ATTESTATION = "attestation", _("Attestation")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="checklist_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MATERIAL)
    required = models.BooleanField(_("required"), default=True)
    joint_only = models.BooleanField(
        _("joint applications only"),
        default=False,
        help_text=_("Only asked of applications with co-building units."),
    )
    citation = models.TextField(_("citation"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.title

    @property
    def title(self):
        return localized(self, "title")


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
    credit_code = models.CharField(
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

    @property
    def name(self):
        return localized(self, "name")

    def clean(self):
        self.credit_code = self.credit_code.strip().upper()

    def calendar_milestones(self):
        """The applicant dates of the published programs this organization still pursues."""
        return (
            Milestone.objects.filter(
                audience=Milestone.Audience.APPLICANT,
                program__is_published=True,
                program__applications__in=self.applications.pursued(),
            )
            .select_related("program")
            .order_by("due_on", "pk")
        )

    def reset_calendar_token(self):
        """A new feed address; the old one stops working (e.g. after it was shared by mistake)."""
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])


class Contact(models.Model):
    """A person at an organization who receives reminders, in their own language."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts"
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
            )
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

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="tracker_membership_once"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class ApplicationQuerySet(models.QuerySet):
    def pursued(self):
        """Applications still heading for this edition: not withdrawn, not rejected."""
        return self.exclude(status__in=[Application.Status.WITHDRAWN, Application.Status.REJECTED])

    def for_user(self, user):
        if user.is_staff:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(organization__memberships__user=user)


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

    # Which status a firm may move to from each status. Certified and rejected are outcomes the
    # firm records once the authority decides; only a withdrawal can be taken back.
    TRANSITIONS = {
        Status.INTERESTED: [Status.PREPARING, Status.WITHDRAWN],
        Status.PREPARING: [Status.SUBMITTED, Status.INTERESTED, Status.WITHDRAWN],
        Status.SUBMITTED: [Status.CERTIFIED, Status.REJECTED, Status.WITHDRAWN],
        Status.CERTIFIED: [],
        Status.REJECTED: [],
        Status.WITHDRAWN: [Status.INTERESTED],
    }

    @property
    def next_statuses(self):
        return [self.Status(s) for s in self.TRANSITIONS[self.status]]

    @property
    def is_submitted(self):
        return self.status in (self.Status.SUBMITTED, self.Status.CERTIFIED, self.Status.REJECTED)

    def change_status(self, status):
        if status not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                {
                    "status": ValidationError(
                        _("An application that is “%(current)s” cannot become “%(new)s”."),
                        code="status_transition",
                        params={
                            "current": self.get_status_display(),
                            "new": self.Status(status).label
                            if status in self.Status.values
                            else status,
                        },
                    )
                }
            )
        self.status = status
        self.save(update_fields=["status", "updated_at"])

    @transaction.atomic
    def set_ticked_items(self, items, user):
        """Make exactly `items` (of this program's checklist) the ticked ones."""
        ids = {item.pk for item in items}
        self.ticks.exclude(item_id__in=ids).delete()
        ChecklistTick.objects.bulk_create(
            [ChecklistTick(application=self, item_id=pk, ticked_by=user) for pk in ids],
            # Already ticked items keep their first tick (who and when).
            ignore_conflicts=True,
        )

    @staticmethod
    def co_builder_limit_error(limit, count):
        return ValidationError(
            _(
                "Co-building units: at most %(limit)d are allowed for this program; "
                "this would make %(count)d."
            ),
            code="max_co_builders",
            params={"limit": limit, "count": count},
        )

    def lock_and_check_co_builders(self, adding, keeping_existing=None):
        """Lock this application and refuse a co-builder count above the program's limit.

        The row lock (a write lock for the whole transaction on SQLite) serialises concurrent
        additions: the second request counts after the first has committed, so two requests
        cannot both add the 5th partner. Must run inside a transaction.
        """
        locked = Application.objects.select_for_update().select_related("program").get(pk=self.pk)
        limit = locked.program.max_co_builders
        if limit is None:
            return
        existing = self.co_builders.all()
        if keeping_existing is not None:
            existing = existing.filter(pk__in=keeping_existing)
        count = existing.count() + adding
        if count > limit:
            raise self.co_builder_limit_error(limit, count)

    @transaction.atomic
    def add_co_builder(self, partner):
        """The one code path that adds a co-building unit outside the admin's formset."""
        if partner.pk == self.organization_id:
            raise ValidationError({"organization": CoBuilder.lead_error()})
        self.lock_and_check_co_builders(adding=1)
        # Checked under the lock: a double-submitted form must get this message, not the
        # unique constraint's IntegrityError.
        if self.co_builders.filter(organization=partner).exists():
            raise ValidationError({"organization": CoBuilder.duplicate_error()})
        return CoBuilder.objects.create(application=self, organization=partner)


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
        # in Application.add_co_builder.
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


UNSUBSCRIBE_SALT = "tracker.unsubscribe"


class ReminderQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=Reminder.Status.PENDING, next_attempt_at__lte=now)

    def stuck(self, now):
        return self.filter(Reminder.stuck_q(now))


class Reminder(models.Model):
    """The outbox: one email to one reader about one milestone date.

    The row is the truth, the queue only a trigger: planning inserts rows (a rerun hits the
    unique key and inserts nothing), senders claim rows with a conditional update, and a row
    is marked sent right after its own SMTP transaction.
    """

    CHANGE_NOTICE = -1
    LEASE = datetime.timedelta(minutes=15)

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPERSEDED = "superseded", _("Superseded")
        CANCELLED = "cancelled", _("Cancelled")

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("milestone")
    )
    # A reader is an application's contact or a subscription, never both (see the check below).
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    # "c<contact id>" or "s<subscription id>": a non-null stand-in for the reader in the unique
    # key, because NULLs never collide in a unique constraint on SQLite or PostgreSQL.
    recipient_key = models.CharField(_("recipient"), max_length=24)
    lead_days = models.SmallIntegerField(
        _("lead days"), help_text=_("Days before the date; -1 for a notice that the date moved.")
    )
    version = models.PositiveIntegerField(_("date version"))
    due_on = models.DateField(_("due on"))
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

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "milestone", "lead_days", "version"],
                name="tracker_reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(contact__isnull=False, application__isnull=False, subscription=None)
                | Q(contact=None, application=None, subscription__isnull=False),
                name="tracker_reminder_one_reader",
            ),
            models.CheckConstraint(
                condition=Q(lead_days__gte=-1), name="tracker_reminder_lead_days_range"
            ),
        ]
        indexes = [
            # reminders.claim() scans pending rows by next attempt time.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="tracker_reminder_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.recipient_key} · {self.milestone_id} · {self.lead_days}"

    @classmethod
    def stuck_q(cls, now):
        """Claimed longer ago than the lease: the sender died mid-batch, or SMTP hung. Whether
        the mail went out is unknown, so these wait for a person instead of being resent."""
        return Q(status=cls.Status.SENDING, claimed_at__lt=now - cls.LEASE)

    def is_stuck(self, now):
        return self.status == self.Status.SENDING and self.claimed_at < now - self.LEASE

    @property
    def is_change_notice(self):
        return self.lead_days == self.CHANGE_NOTICE

    @property
    def reader(self):
        return self.contact or self.subscription

    @staticmethod
    def key_for(reader):
        return f"{'c' if isinstance(reader, Contact) else 's'}{reader.pk}"

    def unsubscribe_token(self):
        # One token per reader, not per mail: every link a reader holds does the same thing.
        return signing.dumps(self.recipient_key, salt=UNSUBSCRIBE_SALT)

    @staticmethod
    def reader_for_token(token):
        """The Contact or Subscription a signed token names; None if forged or deleted."""
        try:
            key = str(signing.loads(token, salt=UNSUBSCRIBE_SALT))
        except signing.BadSignature:
            return None
        model = {"c": Contact, "s": Subscription}.get(key[:1])
        if model is None or not key[1:].isdigit():
            return None
        return model.objects.filter(pk=int(key[1:])).first()

    def backoff(self):
        """5, 10, 20 … minutes (by default) after the 1st, 2nd, 3rd failed attempt."""
        base = settings.REMINDER_BACKOFF_SECONDS
        return datetime.timedelta(seconds=base * 2 ** max(self.attempts - 1, 0))

"""Data entry for program administrators: programs with their dates, rules and checklists."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tracker.models import (
    Application,
    Authority,
    ChecklistItem,
    ChecklistTick,
    CoBuilder,
    Contact,
    Membership,
    Milestone,
    Organization,
    OrganizationKind,
    Program,
    ProgramSector,
    Region,
    Sector,
)

admin.site.site_header = _("Policy and deadline tracker")
admin.site.site_title = _("Policy tracker administration")
admin.site.index_title = _("Programs, firms and applications")


class IntegerListField(forms.CharField):
    """Comma-separated whole numbers ("30, 14, 7, 3, 1") for a JSON list of integers."""

    def __init__(self, *, max_value, **kwargs):
        self.max_value = max_value
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = (value or "").replace("，", ",").strip()
        if not text:
            return []
        try:
            numbers = [int(part) for part in text.split(",") if part.strip()]
        except ValueError as exc:
            raise ValidationError(
                _("Enter whole numbers separated by commas, such as 30, 14, 7, 3, 1."),
                code="invalid",
            ) from exc
        if any(n < 0 or n > self.max_value for n in numbers):
            raise ValidationError(
                _("Each number must be between 0 and %(limit)d."),
                code="out_of_range",
                params={"limit": self.max_value},
            )
        return numbers


class ProgramAdminForm(forms.ModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("eligible organization kinds"),
        choices=OrganizationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked means every kind may apply."),
    )
    reminder_days = IntegerListField(
        label=_("reminder lead days"),
        max_value=365,
        required=False,
        help_text=_("Days before each deadline when trackers get an email, e.g. 30, 14, 7, 3, 1."),
    )


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Program.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Program.Status.values:
            return queryset.with_status(self.value(), timezone.localdate())
        return queryset


class ProgramSectorInline(admin.TabularInline):
    model = ProgramSector
    extra = 0
    autocomplete_fields = ["sector"]


class MilestoneInline(admin.TabularInline):
    """Extra stages only: the applicant deadline is edited as the program's own deadline field."""

    model = Milestone
    extra = 0
    fields = ["title_zh", "title_en", "due_on", "audience", "version"]
    readonly_fields = ["version"]
    verbose_name = _("other stage")
    verbose_name_plural = _("other stages (county → city → province)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=Milestone.Kind.STAGE)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["position", "title_zh", "title_en", "kind", "required", "joint_only", "citation"]
    formfield_overrides = {
        # Citations are one or two sentences; a full textarea per row makes the inline unusable.
        ChecklistItem._meta.get_field("citation").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 40})
        }
    }


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    form = ProgramAdminForm
    list_display = [
        "title_zh",
        "authority_name",
        "year",
        "opens_on",
        "deadline_with_days_left",
        "status_label",
        "is_published",
    ]
    list_display_links = ["title_zh"]
    list_filter = [StatusFilter, "authority", "program_sectors__sector", "year", "is_published"]
    list_select_related = ["authority"]
    search_fields = [
        "title_zh",
        "title_en",
        "short_name_zh",
        "short_name_en",
        "slug",
        "authority__name_zh",
        "authority__short_name_zh",
        "authority__name_en",
    ]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["authority"]
    filter_horizontal = ["regions"]
    date_hierarchy = "deadline"
    inlines = [ProgramSectorInline, MilestoneInline, ChecklistItemInline]
    actions = ["clone_as_next_edition"]
    readonly_fields = ["cloned_from", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title_zh", "title_en"),
                    ("short_name_zh", "short_name_en"),
                    ("slug", "year"),
                    "authority",
                    "is_published",
                ]
            },
        ),
        (
            _("Dates"),
            {"fields": [("opens_on", "deadline", "timezone"), "deadline_clause"]},
        ),
        (
            _("Content"),
            {
                "fields": [
                    ("summary_zh", "summary_en"),
                    ("benefits_zh", "benefits_en"),
                    ("contact_zh", "contact_en"),
                ]
            },
        ),
        (
            _("Eligibility rules"),
            {
                "fields": [
                    ("sector_policy", "sector_clause"),
                    ("max_co_builders", "co_builder_clause"),
                    ("preferred_partnership", "partnership_clause"),
                    ("eligible_kinds", "kinds_clause"),
                    ("regions", "region_clause"),
                ]
            },
        ),
        (_("Reminders"), {"fields": [("reminder_days", "send_hour")]}),
        (
            _("Source"),
            {
                "fields": [
                    ("source_publication", "source_date"),
                    ("source_url", "source_file"),
                    ("cloned_from", "created_at", "updated_at"),
                ]
            },
        ),
    ]

    @admin.display(description=_("authority"), ordering="authority__name_zh")
    def authority_name(self, program):
        return program.authority.short_name_zh or program.authority

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline_with_days_left(self, program):
        if program.deadline is None:
            return "—"
        days = program.days_left()
        if days < 0:
            note = _("closed")
        else:
            note = ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
        return format_html("{} <small>({})</small>", date_format(program.deadline), note)

    @admin.display(description=_("status"))
    def status_label(self, program):
        return program.status_on().label

    @admin.action(description=_("Clone as next year's edition (dates to be set)"))
    def clone_as_next_edition(self, request, queryset):
        for program in queryset:
            clone = program.clone_as_next_edition()
            url = reverse("admin:tracker_program_change", args=[clone.pk])
            self.message_user(
                request,
                format_html(
                    _("Created <a href=\"{}\">{}</a>: set its opening date and deadline, then "
                      "publish it."),
                    url,
                    clone.title_zh,
                ),
                messages.SUCCESS,
            )


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "kind", "credit_code", "region", "is_demo"]
    list_filter = ["kind", "region", "is_demo", "sectors"]
    list_select_related = ["region"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    filter_horizontal = ["sectors"]
    inlines = [ContactInline, MembershipInline]


class CoBuilderFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        application = self.instance
        kept = [f.instance.pk for f in self.initial_forms if not self._should_delete_form(f)]
        adding = sum(
            1
            for f in self.extra_forms
            if f.has_changed() and not self._should_delete_form(f)
        )
        if application.pk is None:
            limit = application.program.max_co_builders
            if limit is not None and adding > limit:
                raise Application.co_builder_limit_error(limit, adding)
            return
        # The admin saves inside one transaction, so the lock taken here holds until the
        # co-builders are written: two editors cannot both add the last allowed partner.
        application.lock_and_check_co_builders(adding=adding, keeping_existing=kept)


class CoBuilderInline(admin.TabularInline):
    model = CoBuilder
    formset = CoBuilderFormSet
    extra = 0
    autocomplete_fields = ["organization"]


class ChecklistTickInline(admin.TabularInline):
    model = ChecklistTick
    extra = 0
    fields = ["item", "ticked_by", "ticked_at"]
    autocomplete_fields = ["ticked_by"]

    def has_add_permission(self, request, obj=None):
        # Ticks need a saved application (and so a known program) to offer its items.
        return obj is not None and super().has_add_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only the items of this application's own program can be ticked.
        formset.form.base_fields["item"].queryset = (
            ChecklistItem.objects.filter(program_id=obj.program_id)
            if obj
            else ChecklistItem.objects.none()
        )
        return formset


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["organization", "program", "status", "co_builder_count", "updated_at"]
    list_filter = ["status", "program"]
    list_select_related = ["organization", "program"]
    search_fields = [
        "organization__name_zh",
        "organization__name_en",
        "organization__credit_code",
        "program__title_zh",
        "program__title_en",
    ]
    autocomplete_fields = ["organization", "program"]
    inlines = [CoBuilderInline, ChecklistTickInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_co_builders=Count("co_builders"))

    @admin.display(description=_("co-building units"), ordering="n_co_builders")
    def co_builder_count(self, application):
        limit = application.program.max_co_builders
        if limit is None:
            return application.n_co_builders
        return f"{application.n_co_builders} / {limit}"


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "code"]
    search_fields = ["name_zh", "name_en", "code"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "level", "region"]
    list_filter = ["level"]
    list_select_related = ["region"]
    search_fields = ["name_zh", "name_en", "short_name_zh"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]

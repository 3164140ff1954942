"""Programs: dates, rules, sectors, stages and checklist, with the paste-a-notice page, the
impact preview before a rule change is saved, and cloning as next year's edition."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from simple_history.admin import SimpleHistoryAdmin

from tracker import eligibility
from tracker.admin.forms import BoundedIdsMixin, ProgramAdminForm
from tracker.admin.impact_preview import impact_preview
from tracker.admin.paste_notice import paste_notice
from tracker.admin.spreadsheets import SpreadsheetAdmin
from tracker.interchange.resources import ProgramResource
from tracker.models import (
    ChecklistItem,
    FactThreshold,
    ManualCondition,
    Milestone,
    Program,
    ProgramSector,
    QualificationRequirement,
)
from tracker.services.alerts import program_saved, verdicts_before
from tracker.services.programs import clone_as_next_edition


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Program.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Program.Status.values:
            return queryset.with_status(self.value(), timezone.now())
        return queryset


class ProgramSectorInline(BoundedIdsMixin, admin.TabularInline):
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


class RowsInline(admin.TabularInline):
    extra = 0
    formfield_overrides = {
        # Citations are one or two sentences; a full textarea per row makes the inline unusable.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }


class ChecklistItemInline(RowsInline):
    model = ChecklistItem
    fields = [
        "position", "title_zh", "title_en", "kind", "required", "joint_only",
        "fulfilled_by_co_builders", "citation",
    ]


# The rule kinds entered as rows: the impact preview sees their edits through the rules'
# relations (eligibility.relations()), like the checklist's.
class FactThresholdInline(RowsInline):
    model = FactThreshold
    fields = ["position", "fact", "year", "bound", "value", "clause"]


class QualificationRequirementInline(RowsInline):
    model = QualificationRequirement
    fields = ["position", "group", "qualification", "clause"]


class ManualConditionInline(RowsInline):
    model = ManualCondition
    fields = ["position", "text_zh", "text_en", "clause"]


@admin.register(Program)
class ProgramAdmin(BoundedIdsMixin, SimpleHistoryAdmin, SpreadsheetAdmin):
    resource_classes = [ProgramResource]
    change_list_template = "admin/tracker/program/change_list.html"
    # Judges each tracked application before and after an edit of the rules (impact preview);
    # None turns the preview off.
    impact_verdict = staticmethod(eligibility.summary_for)
    form = ProgramAdminForm
    list_display = [
        "title_zh",
        "authority_name",
        "year",
        "opens_on",
        "deadline_with_days_left",
        "status_label",
        "is_published",
        "is_demo",
    ]
    list_display_links = ["title_zh"]
    list_filter = [
        StatusFilter, "authority", "program_sectors__sector", "year", "is_published", "is_demo"
    ]
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
    # ~3,200 divisions: searched by name or code, not listed side by side.
    autocomplete_fields = ["authority", "regions"]
    date_hierarchy = "deadline"
    inlines = [
        ProgramSectorInline,
        MilestoneInline,
        FactThresholdInline,
        QualificationRequirementInline,
        ManualConditionInline,
        ChecklistItemInline,
    ]
    actions = ["clone_as_next_edition"]

    def get_export_queryset(self, request):
        """Exports hand programs on as facts: the example catalog stays out unless the list
        was filtered on it ("example data: yes")."""
        exported = super().get_export_queryset(request)
        return exported if "is_demo__exact" in request.GET else exported.real()
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
                    ("is_published", "is_demo"),
                ]
            },
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
        # One row per rule kind, from the rule classes: a new rule's fields appear here.
        (_("Dates and eligibility rules"), {"fields": eligibility.admin_rows()}),
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

    def get_urls(self):
        paste = path(
            "paste-notice/",
            self.admin_site.admin_view(self.paste_notice_view),
            name="tracker_program_paste_notice",
        )
        return [paste, *super().get_urls()]

    # paste_notice() runs the CSRF check itself, once it knows the request is not too big to read.
    @method_decorator(csrf_exempt)
    def paste_notice_view(self, request):
        return paste_notice(self, request)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and object_id
            and "_confirm_impact" not in request.POST
            and self.impact_verdict is not None
        ):
            preview = impact_preview(self, request, unquote(object_id))
            if preview is not None:
                return preview
        saved = self.get_object(request, unquote(object_id)) if object_id else None
        if request.method == "POST" and saved is not None:
            # What save_related compares the saved edit with, to tell the firms it affects.
            request.verdicts_before = verdicts_before(saved.pk)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # With the sectors, regions and inlines saved: matching reads them all.
        program_saved(form.instance, getattr(request, "verdicts_before", None))

    @admin.action(description=_("Clone as next year's edition (dates to be set)"))
    def clone_as_next_edition(self, request, queryset):
        for program in queryset:
            clone = clone_as_next_edition(program)
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

"""Data entry for program administrators: programs with their dates, rules and checklists."""

import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.formsets import all_valid
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from tracker import eligibility, impact, reminders
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
    Reminder,
    Sector,
    Subscription,
    default_reminder_days,
)
from tracker.notices import NoticeError, draft_from_notice
from tracker.resources import (
    ApplicationResource,
    OrganizationResource,
    ProgramResource,
    SectorResource,
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
        # A declared field does not inherit the model default: without this a new program
        # would be saved with no reminders at all.
        initial=default_reminder_days,
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


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Import (previewed as a dry run, then all rows or none) and export as CSV or XLSX."""

    formats = [CSV, XLSX]


class NoticeForm(forms.Form):
    # Not required: an empty paste gets the reader's own message, which says what to paste.
    text = forms.CharField(
        label=_("notice text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=_(
            "Paste the whole notice, or a whole newspaper page: the article announcing the "
            "call is found and read."
        ),
    )


class DraftProgramForm(forms.Form):
    """What the administrator confirms or corrects before a draft becomes a program."""

    title_zh = forms.CharField(
        label=_("title (Chinese)"), max_length=300, widget=forms.TextInput({"class": "vTextField"})
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    slug = forms.SlugField(label=_("slug"), max_length=120)
    authority = forms.ModelChoiceField(label=_("authority"), queryset=Authority.objects.all())
    source_publication = forms.CharField(
        label=_("source publication"),
        max_length=200,
        widget=forms.TextInput({"class": "vTextField"}),
        help_text=_("Where the notice was published, e.g. 柳州日报（2025年4月）."),
    )

    def __init__(self, draft, *args, **kwargs):
        self.draft = draft
        title = draft.title.value if draft.title else ""
        year = draft.year.value if draft.year else None
        digest = hashlib.sha1(title.encode()).hexdigest()[:6]
        kwargs["initial"] = {
            "title_zh": title,
            "year": year,
            "slug": f"notice-{year or 'draft'}-{digest}",
            "authority": draft.authority.value if draft.authority else None,
        }
        super().__init__(*args, **kwargs)
        self.new_sectors = []
        for i, name in enumerate(draft.new_sectors):
            key = f"new_sector_{i}"
            self.fields[key] = forms.SlugField(
                label=_("code for the new sector “%(name)s”") % {"name": name},
                required=False,
                help_text=_("Leave empty to leave this sector out."),
            )
            self.new_sectors.append((key, name))

    def save_program(self):
        """The new unpublished program, or None with the model's errors added to this form."""
        data = self.cleaned_data
        codes = {name: data[key] for key, name in self.new_sectors if data.get(key)}
        try:
            return self.draft.save_as_program(
                title_zh=data["title_zh"],
                year=data["year"],
                slug=data["slug"],
                authority=data["authority"],
                source_publication=data["source_publication"],
                new_sector_codes=codes,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return None


# Form fields and inlines whose edit can change a tracked application's verdict.
IMPACT_FIELDS = {
    "opens_on", "deadline", "timezone", "sector_policy", "max_co_builders",
    "preferred_partnership", "eligible_kinds", "regions",
}
IMPACT_INLINES = {ProgramSector: "program_sectors", ChecklistItem: "checklist_items"}


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin, SpreadsheetAdmin):
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

    def get_urls(self):
        paste = path(
            "paste-notice/",
            self.admin_site.admin_view(self.paste_notice_view),
            name="tracker_program_paste_notice",
        )
        return [paste, *super().get_urls()]

    def paste_notice_view(self, request):
        """Paste a notice, review the draft with each field's source, then create it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NoticeForm(request.POST if request.method == "POST" else None)
        draft = create_form = None
        if form.is_valid():
            try:
                draft = draft_from_notice(form.cleaned_data["text"])
            except NoticeError as exc:
                form.add_error("text", exc.args[0])
        if draft is not None:
            creating = "_create" in request.POST
            create_form = DraftProgramForm(draft, request.POST if creating else None)
            if creating and create_form.is_valid():
                program = create_form.save_program()
                if program is not None:
                    self.message_user(
                        request,
                        _("Created the unpublished program “%(title)s”: check it, then publish.")
                        % {"title": program.title_zh},
                        messages.SUCCESS,
                    )
                    return redirect("admin:tracker_program_change", program.pk)
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Paste a notice"),
            "form": form,
            "draft": draft,
            "create_form": create_form,
        }
        return TemplateResponse(request, "admin/tracker/program/paste_notice.html", ctx)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and object_id
            and "_confirm_impact" not in request.POST
            and self.impact_verdict is not None
        ):
            preview = self._impact_preview(request, unquote(object_id))
            if preview is not None:
                return preview
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _impact_preview(self, request, object_id):
        """The confirmation page when a valid edit touches the rules of a tracked program.

        Nothing is saved here: the form and inlines are validated on a separate copy of the
        program, and the page re-posts the same data with `_confirm_impact` to save it.
        """
        edited = self.get_object(request, object_id)
        if edited is None or not self.has_change_permission(request, edited):
            return None
        before = impact.program_for_impact(edited.pk)
        applications = impact.tracked_applications(before)
        if not applications.exists():
            return None
        form = self.get_form(request, edited, change=True)(
            request.POST, request.FILES, instance=edited
        )
        formsets, _inlines = self._create_formsets(request, edited, change=True)
        if not (form.is_valid() and all_valid(formsets)):
            return None  # the normal view shows the errors
        related = {
            "regions": list(form.cleaned_data["regions"]),
            "program_sectors": list(before.program_sectors.all()),
            "checklist_items": list(before.checklist_items.all()),
        }
        changed = bool(IMPACT_FIELDS & set(form.changed_data))
        for formset in formsets:
            if formset.model in IMPACT_INLINES:
                changed |= formset.has_changed()
                related[IMPACT_INLINES[formset.model]] = [
                    f.instance
                    for f in formset.forms
                    if f not in formset.deleted_forms and (f.instance.pk or f.has_changed())
                ]
        if not changed:
            return None
        related["priority_sectors"] = [
            ps.sector for ps in sorted(related["program_sectors"], key=lambda ps: ps.position)
        ]
        after = impact.program_with_changes(edited, **related)
        result = impact.impact_of_change(before, after, self.impact_verdict, applications)
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Confirm the change to “%(title)s”") % {"title": before.title_zh},
            "original": before,
            "impact": result,
            "changes": [
                (c.application.organization, impact.verdict_label(c.before),
                 impact.verdict_label(c.after))
                for c in result.changes
            ],
            "transitions": [
                (impact.verdict_label(b), impact.verdict_label(a), n)
                for b, a, n in result.transitions()
            ],
            "changed_fields": [form.fields[name].label for name in form.changed_data],
            "post_items": [
                (key, value)
                for key, values in request.POST.lists()
                if key != "csrfmiddlewaretoken"
                for value in values
            ],
        }
        return TemplateResponse(request, "admin/tracker/program/impact_preview.html", ctx)

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
class OrganizationAdmin(SimpleHistoryAdmin, SpreadsheetAdmin):
    resource_classes = [OrganizationResource]
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
class ApplicationAdmin(SimpleHistoryAdmin, SpreadsheetAdmin):
    resource_classes = [ApplicationResource]
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
class SectorAdmin(SpreadsheetAdmin):
    resource_classes = [SectorResource]
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


# --- Reminders (the outbox) and subscriptions ----------------------------------------------------


class StuckFilter(admin.SimpleListFilter):
    title = _("lease")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", _("Stuck in sending past the lease"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.stuck(timezone.now())
        return queryset


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Read-only, like a log: rows change only through planning, sending and "retry now"."""

    list_display = [
        "id", "recipient", "milestone", "lead", "version", "status_flag", "attempts",
        "next_attempt_at", "sent_at", "short_error",
    ]
    list_filter = [
        "status", StuckFilter, ("milestone__program", admin.RelatedOnlyFieldListFilter),
        "next_attempt_at", "sent_at",
    ]
    date_hierarchy = "created_at"
    search_fields = ["contact__email", "subscription__email", "recipient_key"]
    list_select_related = ["milestone", "contact", "subscription"]
    readonly_fields = [
        "milestone", "application", "contact", "subscription", "recipient_key", "lead_days",
        "version", "due_on", "status", "attempts", "next_attempt_at", "claim_token",
        "claimed_at", "last_error", "sent_at", "created_at",
    ]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("tracker.change_reminder")

    @admin.display(description=_("to"))
    def recipient(self, obj):
        return obj.reader.email

    @admin.display(description=_("lead"), ordering="lead_days")
    def lead(self, obj):
        return _("date changed") if obj.is_change_notice else obj.lead_days

    @admin.display(description=_("status"), ordering="status")
    def status_flag(self, obj):
        if obj.is_stuck(timezone.now()):
            return _("STUCK: sending since %(time)s") % {
                "time": timezone.localtime(obj.claimed_at).strftime("%Y-%m-%d %H:%M")
            }
        return obj.get_status_display()

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Retry now (failed, or stuck and checked)"), permissions=["retry"])
    def retry_now(self, request, queryset):
        count = reminders.retry_now(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d reminder queued again.", "%(count)d reminders queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "audience", "language", "unsubscribed_at", "created_at"]
    list_filter = ["audience", "language", ("program", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email"]
    list_select_related = ["program"]

"""Applications with their co-building units and checklist ticks."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from tracker.admin.forms import BoundedIdsMixin
from tracker.admin.spreadsheets import SpreadsheetAdmin
from tracker.interchange.resources import ApplicationResource
from tracker.models import Application, ChecklistItem, ChecklistTick, CoBuilder
from tracker.services.applications import (
    change_status,
    co_builder_limit_error,
    lock_and_check_co_builders,
)


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
            if application.program_id is None:
                return  # no (valid) program chosen: its field shows the error
            limit = application.program.max_co_builders
            if limit is not None and adding > limit:
                raise co_builder_limit_error(limit, adding)
            return
        # The admin saves inside one transaction, so the lock taken here holds until the
        # co-builders are written: two editors cannot both add the last allowed partner.
        lock_and_check_co_builders(application.pk, adding=adding, keeping_existing=kept)


class CoBuilderInline(BoundedIdsMixin, admin.TabularInline):
    model = CoBuilder
    formset = CoBuilderFormSet
    extra = 0
    autocomplete_fields = ["organization"]
    # Only the partner's owners confirm, on their dashboard; the admin shows when they did.
    fields = ["organization", "confirmed_at", "confirmed_by"]
    readonly_fields = ["confirmed_at", "confirmed_by"]


class ChecklistTickInline(BoundedIdsMixin, admin.TabularInline):
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
class ApplicationAdmin(BoundedIdsMixin, SimpleHistoryAdmin, SpreadsheetAdmin):
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
    actions = ["mark_certified", "mark_rejected", "reopen_for_changes"]

    def get_readonly_fields(self, request, obj=None):
        # A saved application changes status only through the actions below, which go
        # through services.applications.change_status like the firm's page does.
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["status"] if obj is not None else fields

    def _move(self, request, queryset, status):
        moved = 0
        for application in queryset.select_related("organization", "program"):
            # These actions are for submitted applications only: "reopen" must not turn an
            # interested or withdrawn one into a preparing one behind the firm's back.
            if application.status != Application.Status.SUBMITTED:
                self.message_user(
                    request,
                    _("%(application)s is “%(status)s”, not submitted: left unchanged.")
                    % {"application": application, "status": application.get_status_display()},
                    messages.WARNING,
                )
                continue
            try:
                change_status(application, status, by_admin=True)
                moved += 1
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("%(application)s: %(error)s")
                    % {"application": application, "error": " ".join(exc.messages)},
                    messages.ERROR,
                )
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d application is now “%(status)s”.",
                    "%(count)d applications are now “%(status)s”.",
                    moved,
                )
                % {"count": moved, "status": Application.Status(status).label},
                messages.SUCCESS,
            )

    @admin.action(description=_("Mark certified (submitted applications)"), permissions=["change"])
    def mark_certified(self, request, queryset):
        self._move(request, queryset, Application.Status.CERTIFIED)

    @admin.action(description=_("Mark rejected (submitted applications)"), permissions=["change"])
    def mark_rejected(self, request, queryset):
        self._move(request, queryset, Application.Status.REJECTED)

    @admin.action(
        description=_("Reopen for changes (submitted → preparing)"), permissions=["change"]
    )
    def reopen_for_changes(self, request, queryset):
        self._move(request, queryset, Application.Status.PREPARING)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_co_builders=Count("co_builders"))

    @admin.display(description=_("co-building units"), ordering="n_co_builders")
    def co_builder_count(self, application):
        limit = application.program.max_co_builders
        if limit is None:
            return application.n_co_builders
        return f"{application.n_co_builders} / {limit}"

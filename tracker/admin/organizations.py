"""Organizations with their contacts and members, invitations and claims."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from tracker.admin.forms import BoundedIdsMixin
from tracker.admin.spreadsheets import SpreadsheetAdmin
from tracker.interchange.resources import OrganizationResource
from tracker.models import (
    Claim,
    Contact,
    HeldQualification,
    Invitation,
    Membership,
    Organization,
    OrganizationFact,
    Region,
)
from tracker.services.organizations import decide_claim


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class MembershipInline(BoundedIdsMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganizationFactInline(admin.TabularInline):
    model = OrganizationFact
    extra = 0


class HeldQualificationInline(admin.TabularInline):
    model = HeldQualification
    extra = 0


class ProvinceFilter(admin.SimpleListFilter):
    """By province, cities and counties included: a filter listing every division would be
    ~3,200 links long."""

    title = _("Province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(r.code, str(r)) for r in Region.objects.filter(level=Region.Level.PROVINCE)]

    def queryset(self, request, queryset):
        if self.value():
            prefix = Region(code=self.value()).prefix
            return queryset.filter(region__code__startswith=prefix)
        return queryset


@admin.register(Organization)
class OrganizationAdmin(BoundedIdsMixin, SimpleHistoryAdmin, SpreadsheetAdmin):
    resource_classes = [OrganizationResource]
    list_display = ["name_zh", "name_en", "kind", "credit_code", "region", "is_demo"]
    list_filter = ["kind", ProvinceFilter, "is_demo", "sectors"]
    list_select_related = ["region"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    filter_horizontal = ["sectors"]
    autocomplete_fields = ["region"]
    inlines = [ContactInline, MembershipInline, OrganizationFactInline, HeldQualificationInline]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    """Requests to join an organization. They are decided only through the actions, which go
    through services.organizations.decide_claim like an owner's buttons do."""

    list_display = ["organization", "user", "status", "created_at", "decided_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["organization", "user", "decided_by"]
    search_fields = ["organization__name_zh", "organization__name_en", "user__email"]
    readonly_fields = [
        "organization", "user", "message", "status", "created_at", "decided_at", "decided_by"
    ]
    actions = ["approve", "decline"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, approve):
        decided = 0
        for claim in queryset:
            try:
                decide_claim(claim, approve, request.user)
                decided += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{claim}: {' '.join(exc.messages)}", messages.WARNING
                )
        if decided:
            self.message_user(
                request,
                ngettext("%(count)d request decided.", "%(count)d requests decided.", decided)
                % {"count": decided},
                messages.SUCCESS,
            )

    @admin.action(description=_("Approve (the requester joins the organization)"),
                  permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Decline"), permissions=["change"])
    def decline(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    """A read-only list: owners invite and withdraw invitations on their team page."""

    list_display = [
        "email", "organization", "role", "invited_by", "created_at", "expires_at",
        "accepted_at", "revoked_at",
    ]
    list_filter = ["role"]
    list_select_related = ["organization", "invited_by"]
    search_fields = ["email", "organization__name_zh", "organization__name_en"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

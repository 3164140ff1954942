"""Organizations with their contacts and members."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tracker.admin.forms import BoundedIdsMixin
from tracker.admin.spreadsheets import SpreadsheetAdmin
from tracker.interchange.resources import OrganizationResource
from tracker.models import Contact, Membership, Organization, Region


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class MembershipInline(BoundedIdsMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


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
    inlines = [ContactInline, MembershipInline]

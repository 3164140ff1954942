"""Organizations with their contacts and members."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.admin.forms import BoundedIdsMixin
from tracker.admin.spreadsheets import SpreadsheetAdmin
from tracker.interchange.resources import OrganizationResource
from tracker.models import Contact, Membership, Organization


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class MembershipInline(BoundedIdsMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(BoundedIdsMixin, SimpleHistoryAdmin, SpreadsheetAdmin):
    resource_classes = [OrganizationResource]
    list_display = ["name_zh", "name_en", "kind", "credit_code", "region", "is_demo"]
    list_filter = ["kind", "region", "is_demo", "sectors"]
    list_select_related = ["region"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    filter_horizontal = ["sectors"]
    inlines = [ContactInline, MembershipInline]

"""The shared vocabulary: sectors, issuing authorities, regions, qualifications."""

from django.contrib import admin

from tracker.admin.spreadsheets import SpreadsheetAdmin
from tracker.interchange.resources import SectorResource
from tracker.models import Authority, Qualification, Region, Sector


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
    list_display = ["code", "name_zh", "name_en", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    # The autocomplete of organizations and programs searches here too: a city's name finds
    # its counties, of which several share a name (城中区 in 柳州 and in 西宁).
    search_fields = ["code", "name_zh", "name_en", "parent__name_zh", "parent__name_en"]
    autocomplete_fields = ["parent"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "code", "position"]
    list_editable = ["position"]
    search_fields = ["name_zh", "name_en", "code"]

"""Import (previewed as a dry run, then all rows or none) and export as CSV or XLSX."""

from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Import (previewed as a dry run, then all rows or none) and export as CSV or XLSX."""

    formats = [CSV, XLSX]

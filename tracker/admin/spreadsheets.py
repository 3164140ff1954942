"""Import (previewed as a dry run, then all rows or none) and export as CSV or XLSX."""

from django.contrib import messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from tracker.interchange.formats import CSV, XLSX, UndecodableFile


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Import (previewed as a dry run, then all rows or none) and export as CSV or XLSX."""

    formats = [CSV, XLSX]

    def add_data_read_fail_error_to_form(self, form, e):
        if not isinstance(e, UndecodableFile):
            return super().add_data_read_fail_error_to_form(form, e)
        # The accepted encodings are tracker.interchange.formats.ENCODINGS.
        message = _(
            "%(field)s: this file could not be read as text. CSV files are accepted in UTF-8 "
            "(with or without BOM) or GBK/GB18030 encoding."
        ) % {"field": form.fields["import_file"].label}
        form.add_error("import_file", message)

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        # The preview passed but the data changed before the confirmation. The resource rolled
        # every row back; the library would still log the rows as imported and report success.
        messages.error(
            request,
            _(
                "Nothing was imported: some rows failed when the import was confirmed, probably "
                "because the data changed after the preview. Correct the rows listed below and "
                "import the file again."
            ),
        )
        return self.import_page_with_errors(request, result)

    def import_page_with_errors(self, request, result):
        """The rows' errors as the preview shows them, and the way back to the import page."""
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "opts": self.model._meta,
            "import_error_display": self.import_error_display,
            "result": result,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, ["admin/tracker/import_failed.html"], context)

"""Import (previewed as a dry run, then all rows or none) and export as CSV or XLSX."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import SelectableFieldsExportForm

from tracker.interchange.formats import CSV, XLSX, UndecodableFile


class LabelledExportForm(SelectableFieldsExportForm):
    """The export page's field boxes under the fields' verbose names in the reader's language;
    the library title-cases the column names ("Max Co Builders")."""

    def _get_field_label(self, resource, field_name):
        return resource().field_label(resource.fields[field_name])


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Import (previewed as a dry run, then all rows or none) and export as CSV or XLSX."""

    formats = [CSV, XLSX]
    export_form_class = LabelledExportForm

    def get_urls(self):
        template = path(
            "import/template.xlsx",
            self.admin_site.admin_view(self.import_template_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_import_template",
        )
        return [template, *super().get_urls()]

    def import_template_view(self, request):
        """The empty workbook the import page offers (see TrackerResource.import_template)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        [resource_class] = self.get_import_resource_classes(request)
        response = HttpResponse(
            resource_class().import_template(), content_type=XLSX().get_content_type()
        )
        name = f"{self.opts.model_name}-import-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def import_action(self, request, **kwargs):
        return self._labelled(request, super().import_action(request, **kwargs))

    def init_request_context_data(self, request, form):
        return self._labelled(request, super().init_request_context_data(request, form))

    def _labelled(self, request, response_or_context):
        """The import and export pages list the fields by their verbose names, not by the
        column names the library puts there."""
        context = getattr(response_or_context, "context_data", response_or_context)
        if context and "fields_list" in context:
            resources = [resource_class() for resource_class in self.get_resource_classes(request)]
            context["fields_list"] = [
                (resource.get_display_name(),
                 [resource.field_label(field) for field in resource.get_user_visible_fields()])
                for resource in resources
            ]
        return response_or_context

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

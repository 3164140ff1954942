"""Spreadsheet import and export (CSV, XLSX) of programs, sectors, organizations, applications.

Files name related rows by natural key, never by database id: an authority by its Chinese name,
sectors and regions by code, a program by slug, an organization by credit code (or name when it
has none), so a file exported here imports into another installation. Imports run model
validation (the deadline/opening constraint, credit codes) and are all or nothing.
"""

import json

import tablib
from django.core.exceptions import (
    FieldDoesNotExist,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from tracker.models import (
    Application,
    Authority,
    Organization,
    Program,
    Region,
    Sector,
)
from tracker.services.alerts import program_saved
from tracker.services.programs import set_priority_sectors
from tracker.validators import normalize_credit_code

LIST_SEPARATOR = "|"


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as its natural key; an unknown one is an error on that column."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(
                _("Nothing named “%(value)s” exists.") % {"value": value}
            ) from None
        except MultipleObjectsReturned:
            raise ValueError(
                _("Several records are named “%(value)s”; use a unique key.") % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class OrganizationWidget(NaturalKeyWidget):
    """An organization by unified social credit code, or by Chinese name when it has none."""

    def __init__(self, **kwargs):
        super().__init__(Organization, "name_zh", **kwargs)

    def get_instance_by_lookup_fields(self, value, row, **kwargs):
        value = str(value).strip()
        by_code = Organization.objects.filter(credit_code=normalize_credit_code(value)).first()
        return by_code or Organization.objects.get(name_zh=value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else (value.credit_code or value.name_zh)


class JSONListWidget(widgets.JSONWidget):
    """A JSON list that stays a list both ways: `[]` is written out, an empty cell reads as []."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) if value not in (None, "") else []

    def render(self, value, obj=None, **kwargs):
        return json.dumps(value if value is not None else [])


def codes_in(row, column, model, field="code"):
    """The records a `a|b|c` cell names, in its order; unknown codes are a ValidationError."""
    codes = [c.strip() for c in str(row.get(column) or "").split(LIST_SEPARATOR) if c.strip()]
    found = model.objects.in_bulk(codes, field_name=field)
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {column: _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}},
            code="unknown_code",
        )
    return [found[c] for c in codes]


class TrackerResource(resources.ModelResource):
    # Columns listing codes ("a|b|c") of related records: {column: model}. They are checked
    # with the rest of the row, so an unknown code is an error on that column, and written by
    # save_m2m once the row exists.
    code_lists = {}

    class Meta:
        # Every row is validated like a form (field errors, not database errors) and one bad
        # row rolls back the whole file.
        use_transactions = True
        clean_model_instances = True

    def field_label(self, field):
        """A column's name for people: the model field's verbose name in the reader's language
        ("标题（中文）" for title_zh). Files keep the column names, the same in every language, so
        an export imports anywhere."""
        model_field = self._field_for(field)
        return capfirst(str(model_field.verbose_name)) if model_field else field.column_name

    def import_template(self):
        """An empty workbook to fill in for an import: the column names in the first row of the
        first sheet (the one an import reads), and on a second what each column holds."""
        columns = [field.column_name for field in self.get_import_fields()]
        guide = tablib.Dataset(
            headers=[str(_("Column")), str(_("Meaning")), str(_("Notes"))], title=str(_("Columns"))
        )
        for field in self.get_import_fields():
            model_field = self._field_for(field)
            notes = str(model_field.help_text) if model_field else ""
            guide.append([field.column_name, str(self.field_label(field)), notes])
        book = tablib.Databook([tablib.Dataset(headers=columns, title=str(_("Data"))), guide])
        return book.export("xlsx")

    def _field_for(self, field):
        try:
            return self._meta.model._meta.get_field(field.attribute or field.column_name)
        except FieldDoesNotExist:
            return None

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        # An empty spreadsheet cell reads as None; text columns store "" for "nothing".
        for field in self._meta.model._meta.concrete_fields:
            text = isinstance(field, (models.CharField, models.TextField))
            if text and not field.null and field.name in row and row[field.name] is None:
                row[field.name] = ""

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        instance.imported_lists = {}
        for column, model in self.code_lists.items():
            try:
                instance.imported_lists[column] = codes_in(row, column, model)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class SectorResource(TrackerResource):
    class Meta(TrackerResource.Meta):
        model = Sector
        fields = ["code", "name_zh", "name_en"]
        import_id_fields = ["code"]


class ProgramResource(TrackerResource):
    authority = fields.Field(
        attribute="authority",
        column_name="authority",
        widget=NaturalKeyWidget(Authority, "name_zh"),
    )
    priority_sectors = fields.Field(column_name="priority_sectors", readonly=True)
    regions = fields.Field(column_name="regions", readonly=True)
    eligible_kinds = fields.Field(
        attribute="eligible_kinds", column_name="eligible_kinds", widget=JSONListWidget()
    )
    reminder_days = fields.Field(
        attribute="reminder_days", column_name="reminder_days", widget=JSONListWidget()
    )
    code_lists = {"priority_sectors": Sector, "regions": Region}

    class Meta(TrackerResource.Meta):
        model = Program
        fields = [
            "slug", "year", "title_zh", "title_en", "short_name_zh", "short_name_en", "authority",
            "summary_zh", "summary_en", "benefits_zh", "benefits_en", "contact_zh", "contact_en",
            "source_publication", "source_date", "source_url", "source_file",
            "opens_on", "deadline", "timezone", "deadline_clause", "is_published",
            "priority_sectors", "sector_policy", "sector_clause",
            "max_co_builders", "co_builder_clause", "preferred_partnership", "partnership_clause",
            "eligible_kinds", "kinds_clause", "regions", "region_clause",
            "reminder_days", "send_hour",
        ]
        import_id_fields = ["slug"]

    def dehydrate_priority_sectors(self, program):
        return LIST_SEPARATOR.join(s.code for s in program.sectors_in_order())

    def dehydrate_regions(self, program):
        return LIST_SEPARATOR.join(r.code for r in program.regions.all())

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        instance.regions.set(instance.imported_lists["regions"])
        set_priority_sectors(instance, instance.imported_lists["priority_sectors"])
        # After the lists: the match runs once the whole file commits (never for a dry run).
        program_saved(instance)


class OrganizationResource(TrackerResource):
    region = fields.Field(
        attribute="region", column_name="region", widget=NaturalKeyWidget(Region, "code")
    )
    sectors = fields.Field(column_name="sectors", readonly=True)
    code_lists = {"sectors": Sector}

    class Meta(TrackerResource.Meta):
        model = Organization
        fields = ["credit_code", "name_zh", "name_en", "kind", "region", "sectors", "is_demo",
                  "notes"]
        import_id_fields = ["name_zh"]

    def get_instance(self, instance_loader, row):
        code = normalize_credit_code(str(row.get("credit_code") or ""))
        by_code = Organization.objects.filter(credit_code=code).first() if code else None
        return by_code or Organization.objects.filter(name_zh=row.get("name_zh")).first()

    def dehydrate_sectors(self, organization):
        return LIST_SEPARATOR.join(s.code for s in organization.sectors.all())

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        instance.sectors.set(instance.imported_lists["sectors"])


class ApplicationResource(TrackerResource):
    organization = fields.Field(
        attribute="organization", column_name="organization", widget=OrganizationWidget()
    )
    program = fields.Field(
        attribute="program", column_name="program", widget=NaturalKeyWidget(Program, "slug")
    )
    # Export only: adding partners goes through the co-builder limit check in the admin.
    co_builders = fields.Field(column_name="co_builders", readonly=True)

    class Meta(TrackerResource.Meta):
        model = Application
        fields = ["organization", "program", "status", "co_builders"]
        import_id_fields = ["organization", "program"]

    def dehydrate_co_builders(self, application):
        return LIST_SEPARATOR.join(
            OrganizationWidget().render(c.organization) for c in application.co_builders.all()
        )

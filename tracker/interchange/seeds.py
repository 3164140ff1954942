"""Loading the seed files (seeds/*.yaml): idempotent upserts by natural key, all or nothing.

Each file holds any of the sections below; sections load in dependency order across all files,
so a program in one file may name a sector from another. The administrative divisions come
first, from one CSV file (seeds/regions/, ~3,200 rows) loaded in bulk. Any problem aborts the
whole load and names the file, the record and the field.
"""

import csv
import datetime
import re
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.models import (
    Application,
    Authority,
    ChecklistItem,
    CoBuilder,
    Contact,
    Milestone,
    Organization,
    OrganizationFact,
    Program,
    Qualification,
    Region,
    Sector,
    local_date,
)
from tracker.services import catalog
from tracker.services.applications import add_co_builder
from tracker.services.programs import set_priority_sectors

REGIONS_FILE = Path("regions") / "gb2260.csv"
# The example catalog (`load_seeds --demo`, which `make run` uses): programs marked is_demo,
# whose dates are relative to the day of loading. Never loaded unless asked for.
DEMO_DIRECTORY = "demo"
SECTIONS = [
    "authorities", "sectors", "qualifications", "programs", "organizations", "applications"
]


class SeedError(Exception):
    def __init__(self, path, message, section=None, index=None, record=None, field=None):
        self.path, self.section, self.index, self.field = path, section, index, field
        where = str(path)
        if section is not None:
            label = f" “{record}”" if record else ""
            where += f": {section}[{index}]{label}"
        if field:
            where += _(", field “%(field)s”") % {"field": field}
        super().__init__(f"{where}: {message}")


class FieldError(Exception):
    """Raised by a section loader; SeedError adds where it happened."""

    def __init__(self, field, message):
        self.field, self.message = field, message


def seed_files(directory, demo=False):
    """The division codes, then the YAML files, then (with `demo`) the example catalog."""
    regions = Path(directory) / REGIONS_FILE
    files = [regions] * regions.exists() + sorted(Path(directory).glob("*.yaml"))
    if demo:
        files += sorted((Path(directory) / DEMO_DIRECTORY).glob("*.yaml"))
    return files


@transaction.atomic
def load(paths):
    """Load the files; return {section: number of records}. Nothing is written on error."""
    counts = {"regions": 0}
    for path in paths:
        if Path(path).suffix == ".csv":
            counts["regions"] += load_regions(path)
    records = {section: [] for section in SECTIONS}
    for path in paths:
        if Path(path).suffix == ".csv":
            continue
        for section, items in _read(path).items():
            records[section].extend((path, index, item) for index, item in enumerate(items))
    for section in SECTIONS:
        for path, index, item in records[section]:
            label = item.get("name_zh") or item.get("slug") or item.get("code") or ""
            if section == "applications":
                label = f"{item.get('organization')} · {item.get('program')}"
            try:
                LOADERS[section](dict(item))
            except FieldError as exc:
                raise SeedError(path, exc.message, section, index, label, exc.field) from exc
            except ValidationError as exc:
                field, messages = _first_error(exc)
                raise SeedError(path, " ".join(messages), section, index, label, field) from exc
    return counts | {section: len(items) for section, items in records.items()}


REGION_COLUMNS = ["code", "name_zh", "name_en", "level", "parent_code"]
REGION_NAME_LENGTH = Region._meta.get_field("name_zh").max_length
# A parent is one level up, except that a municipality (北京 110000) holds its counties directly.
PARENT_LEVELS = {
    Region.Level.PROVINCE: {""},
    Region.Level.CITY: {Region.Level.PROVINCE},
    Region.Level.COUNTY: {Region.Level.PROVINCE, Region.Level.CITY},
}


@transaction.atomic
def load_regions(path):
    """Create the missing divisions and update the changed ones, level by level in a handful of
    queries (a row at a time would be thousands). Never deletes: a division that left the file
    may still be an organization's or a program's. Returns the number of rows in the file.

    Rows are compared as plain values, not model instances: building 3,200 instances costs more
    than the queries, and an unchanged file (every test that loads the seeds) writes nothing."""
    rows = _read_regions(path)
    fields = ["name_zh", "name_en", "level", "parent_id"]
    existing = {
        code: (pk, values)
        for code, pk, *values in Region.objects.values_list("code", "pk", *fields)
    }
    for level in Region.Level.values:  # provinces first: a level's parents exist before it
        created, changed = [], []
        for row in rows:
            if row["level"] != level:
                continue
            parent = existing.get(row["parent_code"])
            values = {
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "level": level,
                "parent_id": parent and parent[0],
            }
            pk, current = existing.get(row["code"], (None, None))
            if pk is None:
                created.append(Region(code=row["code"], **values))
            elif current != [values[name] for name in fields]:
                changed.append(Region(pk=pk, code=row["code"], **values))
        Region.objects.bulk_create(created, batch_size=500)
        Region.objects.bulk_update(changed, fields, batch_size=500)
        if created or changed:
            catalog.changed()  # bulk writes send no signal; region names are in verdicts
        if created:
            # Not every database returns the ids of a bulk insert: read them back, as the
            # parents of the next level.
            new = Region.objects.filter(code__in=[region.code for region in created])
            existing.update(
                (code, (pk, values)) for code, pk, *values in new.values_list("code", "pk", *fields)
            )
    return len(rows)


def _read_regions(path):
    """The file's rows, checked as the database would (and more: a parent must come from the
    file, one level up), so that the bulk writes need no per-row full_clean()."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            if reader.fieldnames != REGION_COLUMNS:
                raise SeedError(
                    path,
                    _("the columns must be %(columns)s.") % {"columns": ",".join(REGION_COLUMNS)},
                )
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SeedError(path, _("cannot be read as CSV: %(error)s") % {"error": exc}) from exc
    levels = {row["code"]: row["level"] for row in rows}
    seen = set()
    for index, row in enumerate(rows):
        field, message = _region_row_error(row, levels)
        if not field and row["code"] in seen:
            field, message = "code", _("appears twice in the file.")
        seen.add(row["code"])
        if field:
            raise SeedError(path, message, "regions", index, row["code"], field)
    return rows


def _region_row_error(row, levels):
    if not re.fullmatch(r"[0-9]{6}", row["code"] or ""):
        return "code", _("must be 6 digits.")
    if not row["name_zh"] or len(row["name_zh"]) > REGION_NAME_LENGTH:
        return "name_zh", _("must be 1 to %(limit)s characters.") % {"limit": REGION_NAME_LENGTH}
    if len(row["name_en"] or "") > REGION_NAME_LENGTH:
        return "name_en", _("must be at most %(limit)s characters.") % {
            "limit": REGION_NAME_LENGTH
        }
    if row["level"] not in PARENT_LEVELS:
        return "level", _("must be one of %(levels)s.") % {"levels": ", ".join(PARENT_LEVELS)}
    parent, code = row["parent_code"] or "", row["code"]
    if levels.get(parent, "") not in PARENT_LEVELS[row["level"]] or (
        parent and parent not in (code[:2] + "0000", code[:4] + "00")
    ):
        return "parent_code", _("must be a division of the file one level up.")
    return None, None


def _read(path):
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SeedError(path, _("cannot be read as YAML: %(error)s") % {"error": exc}) from exc
    if not isinstance(data, dict):
        raise SeedError(path, _("must be a mapping of sections (%(sections)s).") % _sections())
    for section, items in data.items():
        if section not in SECTIONS:
            raise SeedError(
                path,
                _("unknown section “%(name)s”; expected %(sections)s.")
                % {"name": section, **_sections()},
            )
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SeedError(
                path, _("section “%(name)s” must be a list of records.") % {"name": section}
            )
    return data


def _sections():
    return {"sections": ", ".join(SECTIONS)}


def _first_error(exc):
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        return (None if field == "__all__" else field), errors
    return None, exc.messages


def _take(item, fields, required=()):
    """The record's scalar fields; unknown keys and missing required ones are errors."""
    for field in required:
        if item.get(field) in (None, ""):
            raise FieldError(field, _("is required."))
    unknown = set(item) - set(fields)
    if unknown:
        raise FieldError(sorted(unknown)[0], _("is not a field of this section."))
    return item


def _upsert(model, lookup, values):
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


def _get(model, field, value, **lookup):
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist as exc:
        raise FieldError(
            field, _("nothing named “%(value)s” is defined.") % {"value": value}
        ) from exc


def _region(code, field="region"):
    return _get(Region, field, code, code=str(code))


def _load_authority(item):
    _take(item, ["name_zh", "name_en", "short_name_zh", "level", "region"], ["name_zh", "region"])
    item["region"] = _region(item["region"])
    _upsert(Authority, {"name_zh": item.pop("name_zh")}, item)


def _load_sector(item):
    _take(item, ["code", "name_zh", "name_en"], required=["code", "name_zh"])
    _upsert(Sector, {"code": item.pop("code")}, item)


def _load_qualification(item):
    # Listed in the file's order (by id) until an administrator sets positions.
    _take(item, ["code", "name_zh", "name_en"], required=["code", "name_zh"])
    _upsert(Qualification, {"code": item.pop("code")}, item)


PROGRAM_FIELDS = [
    f.name
    for f in Program._meta.concrete_fields
    if f.name not in ("id", "authority", "cloned_from", "created_at", "updated_at")
]


RELATIVE_DATE = re.compile(r"today(?:([+-])([0-9]{1,4}))?")
PROGRAM_DATES = ["opens_on", "deadline", "source_date"]


def _relative_dates(record, fields, today):
    """An example record's dates may be written `today`, `today+30` or `today-5` (days from the
    day of loading), so the example catalog always holds open, closing and upcoming calls; a real
    notice's dates are always written out, and a relative one there is an error."""
    for field in fields:
        value = record.get(field)
        match = RELATIVE_DATE.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            continue
        if not today:
            raise FieldError(field, _("a date relative to today is only allowed in example data."))
        sign, days = match.groups()
        record[field] = today + datetime.timedelta(days=int(days or 0) * (-1 if sign == "-" else 1))


def _load_program(item):
    relations = ["authority", "priority_sectors", "regions", "checklist", "milestones"]
    _take(item, PROGRAM_FIELDS + relations, required=["slug", "title_zh", "authority"])
    today = item.get("is_demo") and local_date(item.get("timezone") or settings.TIME_ZONE)
    _relative_dates(item, PROGRAM_DATES, today)
    authority_name = item.pop("authority")
    sectors = item.pop("priority_sectors", [])
    regions = item.pop("regions", [])
    checklist = item.pop("checklist", [])
    milestones = item.pop("milestones", [])
    item["authority"] = _get(Authority, "authority", authority_name, name_zh=authority_name)
    program = _upsert(Program, {"slug": item.pop("slug")}, item)

    program.regions.set([_region(code, "regions") for code in regions])
    set_priority_sectors(program, [_get(Sector, "priority_sectors", c, code=c) for c in sectors])
    for position, entry in enumerate(checklist, start=1):
        _take(
            entry,
            ["title_zh", "title_en", "kind", "required", "joint_only",
             "fulfilled_by_co_builders", "citation"],
            required=["title_zh"],
        )
        _upsert(ChecklistItem, {"program": program, "position": position}, entry)
    program.checklist_items.filter(position__gt=len(checklist)).delete()
    for entry in milestones:
        _take(
            entry, ["title_zh", "title_en", "due_on", "audience"], required=["title_zh", "due_on"]
        )
        _relative_dates(entry, ["due_on"], today)
        _upsert(
            Milestone,
            {"program": program, "kind": Milestone.Kind.STAGE, "title_zh": entry.pop("title_zh")},
            entry,
        )


def _load_organization(item):
    fields = [
        "name_zh",
        "name_en",
        "kind",
        "credit_code",
        "region",
        "sectors",
        "is_demo",
        "notes",
        "contacts",
        "facts",
    ]
    _take(item, fields, required=["name_zh", "kind"])
    sectors = item.pop("sectors", [])
    contacts = item.pop("contacts", [])
    facts = item.pop("facts", [])
    if item.get("region") is not None:
        item["region"] = _region(item["region"])
    organization = _upsert(Organization, {"name_zh": item.pop("name_zh")}, item)
    organization.sectors.set([_get(Sector, "sectors", code, code=code) for code in sectors])
    for entry in contacts:
        _take(entry, ["email", "name", "language"], required=["email"])
        _upsert(Contact, {"organization": organization, "email": entry.pop("email")}, entry)
    for entry in facts:
        _take(entry, ["fact", "year", "value"], required=["fact", "year", "value"])
        # YAML reads 3.6 as a float, whose exact value has more decimals than the column.
        entry["value"] = str(entry["value"])
        _upsert(
            OrganizationFact,
            {"organization": organization, "fact": entry.pop("fact"), "year": entry.pop("year")},
            entry,
        )


def _load_application(item):
    _take(item, ["organization", "program", "status", "co_builders"], ["organization", "program"])
    organization = _get(
        Organization, "organization", item["organization"], name_zh=item["organization"]
    )
    program = _get(Program, "program", item["program"], slug=item["program"])
    application = _upsert(
        Application,
        {"organization": organization, "program": program},
        {"status": item.get("status", Application.Status.INTERESTED)},
    )
    for name in item.get("co_builders", []):
        partner = _get(Organization, "co_builders", name, name_zh=name)
        if not CoBuilder.objects.filter(application=application, organization=partner).exists():
            try:
                add_co_builder(application, partner)
            except ValidationError as exc:
                raise FieldError("co_builders", " ".join(exc.messages)) from exc


LOADERS = {
    "authorities": _load_authority,
    "sectors": _load_sector,
    "qualifications": _load_qualification,
    "programs": _load_program,
    "organizations": _load_organization,
    "applications": _load_application,
}

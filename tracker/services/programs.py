"""Writes on programs: their sector lists and next year's edition."""

from django.db import transaction

from tracker.models import (
    ChecklistItem,
    FactThreshold,
    ManualCondition,
    Program,
    ProgramSector,
    QualificationRequirement,
)
from tracker.services import catalog, search


def set_priority_sectors(program, sectors):
    """Make `sectors` the program's priority sectors, in this order (the notice's)."""
    program.program_sectors.all().delete()
    ProgramSector.objects.bulk_create(
        ProgramSector(program=program, sector=sector, position=position)
        for position, sector in enumerate(sectors, start=1)
    )
    # bulk_create sends no signal: the keyword index and the catalog version are told here.
    search.reindex(program_ids=[program.pk])
    catalog.changed()


@transaction.atomic
def clone_as_next_edition(program):
    """A copy for next year's call: same rules (with their rows), sectors, regions and
    checklist.

    Dates are left empty (and the copy unpublished): next year's notice sets them.
    """
    year = program.year
    clone = Program.objects.get(pk=program.pk)
    clone.pk = None
    clone.year = year + 1
    clone.slug = _next_edition_slug(program)
    clone.title_zh = program.title_zh.replace(str(year), str(year + 1))
    clone.title_en = program.title_en.replace(str(year), str(year + 1))
    clone.opens_on = clone.deadline = clone.source_date = None
    clone.is_published = False
    clone.published_at = None  # first published when next year's call is
    clone.cloned_from = program
    clone.save()
    clone.regions.set(program.regions.all())
    set_priority_sectors(clone, program.sectors_in_order())
    for model in [ChecklistItem, ManualCondition, QualificationRequirement]:
        _copy_rows(model, program, clone)
    # "2024年主营业务收入" in the 2025 edition is, a year on, the figure of 2025.
    _copy_rows(FactThreshold, program, clone, year=lambda row: row.year and row.year + 1)
    catalog.changed()  # the rows' bulk_create sends no signal
    return clone


@transaction.atomic
def next_edition_from_notice(*, program, draft, title_zh, year, slug, source_publication,
                             authority=None, new_authority=None, new_sector_codes=None):
    """Next year's edition of `program` from its new notice (a tracker.notices Draft).

    It starts as the clone of the last edition (rules, regions, sectors, checklist), then takes
    every field the notice states; what the notice does not state stays as last year's. The
    notice's stages are added, and its checklist entries the last edition did not have; each
    kind of condition the notice states replaces the last edition's rows of that kind.
    `authority`, `new_authority` and `new_sector_codes` are as for Draft.save_as_program; with
    neither authority given the last edition's stays.
    """
    edition = clone_as_next_edition(program)
    for name, value in draft.program_fields().items():
        setattr(edition, name, value)
    edition.authority = authority or draft.create_authority(new_authority) or program.authority
    edition.title_zh, edition.year, edition.slug = title_zh, year, slug
    edition.source_publication = source_publication
    edition.full_clean()
    edition.save()
    if draft.sectors:
        set_priority_sectors(edition, draft.priority_sectors(new_sector_codes or {}))
    draft.add_stages(edition)
    items = list(edition.checklist_items.values_list("title_zh", "position"))
    draft.add_checklist(edition, skip_titles=[title for title, _position in items],
                        after=max((position for _title, position in items), default=0))
    draft.add_conditions(edition, replace=True)
    return edition


def _copy_rows(model, program, clone, **changes):
    """Copies of `program`'s rows of `model` for `clone`, with `changes` computed per row.
    Read afresh: the program's prefetched rows are the caller's, not to be altered."""
    rows = list(model.objects.filter(program=program))
    for row in rows:
        row.pk, row.program = None, clone
        row._state.adding = True
        for name, change in changes.items():
            setattr(row, name, change(row))
    model.objects.bulk_create(rows)


def _next_edition_slug(program):
    base = program.slug.replace(str(program.year), str(program.year + 1))
    if base == program.slug:
        base = f"{program.slug}-{program.year + 1}"
    slug, n = base, 2
    while Program.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug

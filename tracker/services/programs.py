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


def set_priority_sectors(program, sectors):
    """Make `sectors` the program's priority sectors, in this order (the notice's)."""
    program.program_sectors.all().delete()
    ProgramSector.objects.bulk_create(
        ProgramSector(program=program, sector=sector, position=position)
        for position, sector in enumerate(sectors, start=1)
    )


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
    clone.cloned_from = program
    clone.save()
    clone.regions.set(program.regions.all())
    set_priority_sectors(clone, program.sectors_in_order())
    for model in [ChecklistItem, ManualCondition, QualificationRequirement]:
        _copy_rows(model, program, clone)
    # "2024年主营业务收入" in the 2025 edition is, a year on, the figure of 2025.
    _copy_rows(FactThreshold, program, clone, year=lambda row: row.year and row.year + 1)
    return clone


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

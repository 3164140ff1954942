"""Writes on programs: their sector lists and next year's edition."""

from django.db import transaction

from tracker.models import ChecklistItem, Program, ProgramSector
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
    """A copy for next year's call: same rules, sectors, regions and checklist.

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
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            program=clone,
            position=item.position,
            title_zh=item.title_zh,
            title_en=item.title_en,
            kind=item.kind,
            required=item.required,
            joint_only=item.joint_only,
            fulfilled_by_co_builders=item.fulfilled_by_co_builders,
            citation=item.citation,
        )
        for item in program.checklist_items.all()
    )
    catalog.changed()  # the checklist's bulk_create sends no signal
    return clone


def _next_edition_slug(program):
    base = program.slug.replace(str(program.year), str(program.year + 1))
    if base == program.slug:
        base = f"{program.slug}-{program.year + 1}"
    slug, n = base, 2
    while Program.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug

"""Keeping the keyword index fresh, and the reader's list visits.

The index is rebuilt for a program inside the transaction of whatever changed it, so a search
never sees an edit the database has not committed, nor misses one it has. Signals rather than
one service, because programs, sectors and authorities are written by the admin's forms and
inlines, the spreadsheet import, the seeds and the clone: no path can forget the index. The
writes that skip signals (`bulk_create` in `services.programs.set_priority_sectors`) call
`reindex` themselves.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from tracker.models import (
    Authority,
    ListVisit,
    OrganizationKind,
    Program,
    ProgramSector,
    ProgramTerm,
    Sector,
)
from tracker.models.search import facet, terms_of

# How much a term found in each text counts towards relevance: a word of the title or short
# name says more about a program than one in its summary.
WEIGHTS = {
    "title": 8,
    "short_name": 8,
    "authority": 4,
    "sectors": 4,
    "benefits": 2,
    "summary": 1,
}

# A reader coming back after this long starts a new visit: what was new is no longer marked.
VISIT_SESSION = datetime.timedelta(hours=1)


def _texts(program, sectors):
    authority = program.authority
    yield "title", [program.title_zh, program.title_en]
    yield "short_name", [program.short_name_zh, program.short_name_en]
    yield "authority", [authority.name_zh, authority.name_en, authority.short_name_zh]
    yield "sectors", [text for s in sectors for text in (s.name_zh, s.name_en)]
    yield "benefits", [program.benefits_zh, program.benefits_en]
    yield "summary", [program.summary_zh, program.summary_en]


def _rows(program, sectors):
    weights = defaultdict(int)
    for field, texts in _texts(program, sectors):
        for term in {t for text in texts for t in terms_of(text)}:
            weights[term] += WEIGHTS[field]
    for kind in program.eligible_kinds or OrganizationKind.values:
        weights[facet("kind", kind)] = 0
    return [ProgramTerm(program=program, term=t, weight=w) for t, w in weights.items()]


@transaction.atomic
def reindex(*, program_ids):
    """Rebuild the index rows of these programs (from their saved state)."""
    program_ids = list(program_ids)
    programs = Program.objects.filter(pk__in=program_ids).select_related("authority")
    sectors = defaultdict(list)
    for ps in ProgramSector.objects.filter(program__in=program_ids).select_related("sector"):
        sectors[ps.program_id].append(ps.sector)
    ProgramTerm.objects.filter(program__in=program_ids).delete()
    ProgramTerm.objects.bulk_create(
        (row for p in programs for row in _rows(p, sectors[p.pk])), batch_size=2000
    )


def reindex_all():
    """Rebuild the whole index (after a bulk load that bypassed the signals)."""
    ids = list(Program.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        reindex(program_ids=ids[start : start + 500])


@receiver(post_save, sender=Program)
def _program_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(program_ids=[instance.pk])


@receiver(post_save, sender=ProgramSector)
@receiver(post_delete, sender=ProgramSector)
def _sector_list_changed(sender, instance, **kwargs):
    # A deleted program's sector rows go with it (and its terms): nothing to rebuild then.
    if Program.objects.filter(pk=instance.program_id).exists():
        reindex(program_ids=[instance.program_id])


@receiver(post_save, sender=Sector)
def _sector_renamed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        reindex(program_ids=instance.program_sectors.values_list("program_id", flat=True))


@receiver(post_save, sender=Authority)
def _authority_renamed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        reindex(program_ids=instance.programs.values_list("pk", flat=True))


def record_list_visit(user, now=None):
    """The start of the reader's current visit's predecessor: programs published after it are
    new to them (None on a first visit: nothing is marked then, everything would be)."""
    now = now or timezone.now()
    visit, created = ListVisit.objects.get_or_create(user=user, defaults={"last_at": now})
    if created:
        return None
    if now - visit.last_at > VISIT_SESSION:
        visit.previous_at = visit.last_at
    visit.last_at = now
    visit.save(update_fields=["previous_at", "last_at"])
    return visit.previous_at

"""The catalog version moves with every edit that can change a verdict.

Signals rather than calls in each service: programs and their lists are written by the admin's
forms and inlines, the spreadsheet import, the seeds, the notice reader and the clone, and the
self-check must never judge on a copy one of them forgot to invalidate. The writes that send no
signal (bulk_create, bulk_update, queryset.update) call `changed()` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from tracker.eligibility import relations
from tracker.models import Authority, CatalogVersion, Program, Qualification, Region, Sector

# Everything the rules, the ranking or a result card reads: the programs, the rows of every
# relation a rule declares (stages, sectors, checklists, thresholds, conditions …, so a new
# rule kind is covered without a change here), and the names the findings and cards show.
SENDERS = list(dict.fromkeys([
    Program,
    *(Program._meta.get_field(name).related_model for name in relations()),
    Sector,
    Region,
    Authority,
    Qualification,
]))


def changed():
    """Call inside the transaction of the edit: the new version commits with it."""
    CatalogVersion.bump()


def _saved_or_deleted(sender, raw=False, **kwargs):
    if not raw:
        changed()


def _regions_set(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        changed()


for _sender in SENDERS:
    post_save.connect(_saved_or_deleted, sender=_sender, dispatch_uid=f"catalog-{_sender.__name__}")
    post_delete.connect(
        _saved_or_deleted, sender=_sender, dispatch_uid=f"catalog-del-{_sender.__name__}"
    )
m2m_changed.connect(_regions_set, sender=Program.regions.through, dispatch_uid="catalog-regions")

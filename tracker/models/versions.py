"""The catalog's version: one counter every process reads to know its copies are fresh."""

import uuid

from django.db import models
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone


class CatalogVersion(models.Model):
    """One row whose `number` grows in the transaction of every edit that can change a
    verdict (a program, its sectors, regions, milestones or checklist, a sector, a region, an
    authority): see `tracker.services.catalog`.

    A process that keeps a compiled copy of the open programs' rules (the self-check) reads
    the stamp *before* loading the programs and tags the copy with it; whatever it loaded,
    the copy is reloaded as soon as the stamp changes, on any host, since the stamp lives in
    the shared database and changes in the same commit as the edit. The stamp is random
    rather than the count, so that a state seen once is never confused with another one that
    reached the same count (after a rolled-back transaction, or a database restored from a
    backup): a stamp names exactly one committed catalog.
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    number = models.BigIntegerField(default=0)
    stamp = models.UUIDField(default=uuid.uuid4)
    # When the stamp last moved: the open data's Last-Modified (the API, see tracker.web.api).
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="tracker_catalogversion_one_row")
        ]

    def __str__(self):
        return str(self.number)

    @classmethod
    def bump(cls):
        """A conditional UPDATE, so concurrent edits never lose a step (on PostgreSQL the row
        lock orders them until commit)."""
        changed = cls.objects.filter(pk=cls.SINGLETON).update(
            number=F("number") + 1, stamp=uuid.uuid4(), changed_at=Now()
        )
        if not changed:
            cls.objects.get_or_create(pk=cls.SINGLETON, defaults={"number": 1})

    @classmethod
    def current(cls):
        """The committed catalog's stamp (None before any version row exists)."""
        return cls.objects.filter(pk=cls.SINGLETON).values_list("stamp", flat=True).first()

    @classmethod
    def state(cls):
        """(stamp, changed_at) of the committed catalog in one query; (None, None) before any
        version row exists."""
        row = cls.objects.filter(pk=cls.SINGLETON).values_list("stamp", "changed_at").first()
        return row or (None, None)


class CatalogCopy:
    """One value this process builds from the committed catalog and keeps while its key (the
    catalog stamp, with whatever else the value depends on) stays the same; the next `get()`
    with another key builds it again. Key and value are replaced together, so a thread never
    pairs one key with another's value. A key of None (no version row yet) keeps nothing.
    """

    def __init__(self, build):
        self.build = build
        self._kept = (None, None)

    def get(self, key, *args):
        """The value for `key`, built with `build(*args)` unless kept."""
        kept_key, value = self._kept
        if key is None or kept_key != key:
            value = self.build(*args)
            self._kept = (key, value)
        return value

    def clear(self):
        self._kept = (None, None)

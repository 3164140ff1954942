"""The administrative divisions, as the cascading pickers read them."""

from collections import defaultdict
from typing import NamedTuple

from django.shortcuts import get_object_or_404

from tracker.models import CatalogCopy, CatalogVersion, Region
from tracker.models.translated import localized


def region_children(code):
    """The divisions directly under `code`, in code order; 404 for a code that is none."""
    region = get_object_or_404(Region, code=code)
    return list(region.children.order_by("code").values("code", "name_zh", "name_en", "level"))


class Division(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None  # its code

    def __str__(self):
        return localized(self, "name")


class Divisions:
    """Every division (~3,200) of one committed catalog, read in one query: the pickers
    then show the provinces and the chosen division's neighbours without a query. Only read
    once built, so threads share it."""

    def __init__(self):
        rows = Region.objects.order_by("code").values_list(
            "code", "name_zh", "name_en", "level", "parent__code"
        )
        self.by_code = {}
        self.children = defaultdict(list)  # by parent code, in code order
        for row in rows:
            division = self.by_code[row[0]] = Division(*row)
            self.children[division.parent].append(division)
        self.provinces = [d for d in self.by_code.values() if d.level == Region.Level.PROVINCE]

    def path(self, code):
        """The division of `code` and those above it, from the province down; [] for a code
        that is none."""
        path = []
        division = self.by_code.get(code)
        while division is not None:
            path.insert(0, division)
            division = self.by_code.get(division.parent)
        return path


_divisions = CatalogCopy(Divisions)


def divisions(stamp=None):
    """The divisions of the committed catalog, kept while its stamp stays the same (a
    division's name is in verdicts, so every edit of one moves the stamp). `stamp`: the one
    the caller has just read, else it is read here (one query)."""
    return _divisions.get(stamp or CatalogVersion.current())

"""Reads of programs: the public list with its search and filters, one program's page and the
self-check's candidates."""

import datetime
import re
from collections import OrderedDict
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tracker.eligibility import (
    CompiledRules,
    Ranking,
    load_rule_lists,
    prefetch_for_rules,
    question_counts,
    rule_fields,
)
from tracker.models import (
    CatalogCopy,
    CatalogVersion,
    Program,
    ProgramSector,
    ProgramTerm,
    Qualification,
    QualificationRequirement,
    Sector,
)
from tracker.models.programs import TAKING_APPLICATIONS
from tracker.models.search import facet
from tracker.models.timezones import local_dates_anywhere
from tracker.models.translated import chosen, reads_english
from tracker.selectors.listing import query_words, word_matches
from tracker.selectors.regions import divisions

ProgramRegion = Program.regions.through

# What a self-check result card shows besides what the rules read: hundreds of programs are
# ranked, so the rest of each row (long texts, timestamps, reminder settings) is not loaded.
CARD_FIELDS = ["title_zh", "title_en", "is_demo", "authority__name_zh", "authority__name_en"]


# The program list's filters, as `ProgramFilterForm` parses them from the query string. Every
# key may be missing or empty, meaning "any". Two places read them: `listing.listing` (the
# list, its counts and pages, the export, the API) and `filtered_programs` (the same in SQL,
# for the saved-search alerts and the feed); a test keeps the two in agreement.
FILTER_KEYS = (
    "q", "region", "level", "authority", "sector", "kind", "benefit", "status",
    "deadline_from", "deadline_to", "posted",
)


def filtered_programs(filters, *, now=None, zones=None):
    """Published programs matching `filters` (keys of FILTER_KEYS), unsorted, as a queryset
    (see `listing.listing` for the list itself). `status` missing or empty means taking
    applications, "all" means any status. `zones`: the time zones of the published programs,
    for a caller that builds several lists (else one query finds those of this list).
    """
    listed = Program.objects.published()
    value = {k: v for k, v in filters.items() if v not in (None, "")}
    for word in query_words(value.get("q", "")):
        listed = listed.filter(pk__in=word_matches(word).values("program_id"))
    if region := value.get("region"):
        # A program for the province is also one for each of its cities and counties, and a
        # reader choosing a province sees the programs of the places inside it too.
        local = ProgramRegion.objects.filter(
            Q(region__code__in=region.enclosing_codes())
            | Q(region__code__startswith=region.prefix)
        )
        anywhere = ~Exists(ProgramRegion.objects.filter(program=OuterRef("pk")))
        listed = listed.filter(Q(pk__in=local.values("program_id")) | anywhere)
    if level := value.get("level"):
        listed = listed.filter(authority__level=level)
    if authority := value.get("authority"):
        listed = listed.filter(authority=authority)
    if sector := value.get("sector"):
        listed = listed.filter(pk__in=ProgramSector.objects.filter(sector=sector).values("program"))
    if kind := value.get("kind"):
        terms = ProgramTerm.objects.filter(term=facet("kind", kind))
        listed = listed.filter(pk__in=terms.values("program_id"))
    if benefit := value.get("benefit"):
        listed = listed.filter(benefit_kind=benefit)
    if start := value.get("deadline_from"):
        listed = listed.filter(deadline__gte=start)
    if end := value.get("deadline_to"):
        listed = listed.filter(deadline__lte=end)
    if posted := value.get("posted"):
        since = (now or timezone.now()) - datetime.timedelta(days=int(posted))
        listed = listed.filter(published_at__gte=since)
    status = value.get("status", "")
    if status == "":
        listed = listed.with_status(TAKING_APPLICATIONS, now, zones)
    elif status != "all":
        listed = listed.with_status(status, now, zones)
    return listed


LANDING_LIMIT = 5


def landing_programs(*, now=None):
    """The home page's lists: the real programs taking applications that close first, and the
    example catalog's apart (a newcomer must never take an example for a real call)."""
    taking = (
        Program.objects.published()
        .taking_applications(now)
        .select_related("authority")
        .order_by("deadline", "slug")
    )
    return {
        "closing_first": list(taking.real()[:LANDING_LIMIT]),
        "examples": list(taking.filter(is_demo=True)[:LANDING_LIMIT]),
    }


# What a row of the program list (and of its export) shows, but its sectors (`sector_names`).
LIST_ROWS = Program.objects.select_related("authority")


def sector_names(programs):
    """{program id: the names of its priority sectors, in the notice's order}, in the reader's
    language: one query of names, not 15 model instances a row (a page of 20 lists 300)."""
    names, in_english = {}, reads_english()
    rows = (
        ProgramSector.objects.filter(program__in=[p.pk for p in programs])
        .order_by("position", "id")
        .values_list("program_id", "sector__name_zh", "sector__name_en")
    )
    for program_id, name_zh, name_en in rows:
        names.setdefault(program_id, []).append(chosen(name_zh, name_en, in_english))
    return names


def changed_programs(filters, *, limit, now=None):
    """The feed's programs: those `filters` select, of any status unless a status is asked,
    last changed first. Never the example catalog: a feed reader sees no 示例数据 badge."""
    filters = {**filters, "status": filters.get("status") or "all"}
    return (
        filtered_programs(filters, now=now)
        .real()
        .select_related("authority")
        .order_by("-updated_at", "slug")[:limit]
    )


def program_for(user, slug):
    """A program's page: published ones for everybody, drafts for staff too; 404 otherwise."""
    visible = Program.objects.all() if user.is_staff else Program.objects.published()
    return get_object_or_404(
        visible.select_related("authority").prefetch_related(*prefetch_for_rules()), slug=slug
    )


class Choices(NamedTuple):
    sectors: tuple
    qualifications: tuple
    divisions: object  # `selectors.regions.Divisions`


def _with_rule_lists(programs):
    """`programs` (a queryset) with what their rules and cards read, rule lists loaded."""
    return load_rule_lists(
        programs.select_related("authority")
        .only(*rule_fields(), *CARD_FIELDS)
        .prefetch_related(*prefetch_for_rules(ticks=False))
    )


def _load_open_programs(now):
    """The published programs around taking applications at `now`, with what their rules
    and cards read, and their compiled rules."""
    programs = tuple(
        _with_rule_lists(Program.objects.published().around_taking_applications(now))
    )
    return programs, CompiledRules(programs)


def _choices():
    return Choices(
        sectors=tuple(Sector.objects.all()),
        qualifications=tuple(Qualification.objects.all()),
        divisions=None,
    )


# This process's copies, each tagged with the catalog stamp (see `CatalogVersion`). Loading
# 2,000 programs with their lists costs far more than the one query for the stamp, so the copy
# is reused while the stamp and the window of dates it was loaded for stay the same.
_copy = CatalogCopy(_load_open_programs)
# The copy at one quarter hour: each zone's date, the programs taking applications and the
# questions they ask. Every zone's date changes on a quarter hour (UTC offsets are multiples
# of 15 minutes).
_moment = CatalogCopy(lambda catalog: catalog.compute_today())
QUARTER_HOUR = 900
# The self-check form's sectors and qualifications to choose from.
_form_choices = CatalogCopy(_choices)
# The rankings last asked for, by (copy key, quarter hour, profile): most visitors give one of
# a few profiles, and a kept ranking keeps the verdicts of the pages already shown. Bounded.
_rankings = OrderedDict()
RANKINGS_KEPT = 16


class OpenCatalog:
    """What one self-check request judges: this process's copy of the open programs (one
    query for the catalog stamp) with their compiled rules, the questions they ask, the
    choices the form offers and the rankings by profile, each kept while neither the catalog
    nor any zone's date has changed.

    The stamp is read before the programs: an edit that commits in between leaves a copy
    tagged with the older stamp, reloaded next time.
    """

    def __init__(self, now=None):
        self.now = now
        self.stamp = CatalogVersion.current()
        # Without a stamp (no version row yet) nothing is kept.
        self.key = None if self.stamp is None else (self.stamp, local_dates_anywhere(now))
        self.programs, self.rules = _copy.get(self.key, now)
        self.moment = (now or timezone.now()).timestamp() // QUARTER_HOUR

    def taking(self):
        return [p for p in self.programs if p.takes_applications(self.now)]

    def compute_today(self):
        """Each zone's date ("todays"), the compiled numbers of the programs taking
        applications ("among") and the questions they ask ("counts"), now."""
        taking = self.taking()
        return {
            "todays": self.rules.todays(self.now),
            "among": frozenset(self.rules.number[p.pk] for p in taking),
            "counts": question_counts(taking),
        }

    def _today(self):
        return _moment.get(None if self.key is None else (self.key, self.moment), self)

    def questions(self):
        """{question: how many programs taking applications read its answer}."""
        return self._today()["counts"]

    def choices(self):
        """The sectors, qualifications and divisions the self-check offers (`Choices`)."""
        return _form_choices.get(self.stamp)._replace(divisions=divisions(self.stamp))

    def judged(self, program_ids):
        """{id: program} of `program_ids` with their rule lists (not their checklists): this
        process's copy of those it holds, the others (closed or unpublished since an
        application began tracking them) loaded from the database."""
        number, held = self.rules.number, self.rules.programs
        found = {pk: held[number[pk]] for pk in program_ids if pk in number}
        if missing := set(program_ids) - found.keys():
            loaded = _with_rule_lists(Program.objects.filter(pk__in=missing))
            found.update((program.pk, program) for program in loaded)
        return found

    def ranking(self, profile):
        """The verdicts of `profile` for every program taking applications, best first (a
        `Ranking`: each verdict's findings are built when read)."""
        ranking_key = (self.key, self.moment, profile.key())
        if self.key is not None and ranking_key in _rankings:
            _rankings.move_to_end(ranking_key)
            return _rankings[ranking_key]
        today = self._today()
        ranking = Ranking(profile, self.rules, today["todays"], today["among"])
        if self.key is not None:
            _rankings[ranking_key] = ranking
            while len(_rankings) > RANKINGS_KEPT:
                _rankings.popitem(last=False)
        return ranking


YEAR_IN_TITLE = re.compile(r"\d{4}\s*年度?")


def last_edition_of(title_zh, year):
    """The latest program of an earlier year with this title but for its years ("2024年…认定"
    for "2025年…认定"), with what the edition comparison reads; None if there is none."""
    key = YEAR_IN_TITLE.sub("", title_zh)
    longest = max(YEAR_IN_TITLE.split(title_zh), key=len)
    if not key or not longest:
        return None
    candidates = (
        Program.objects.filter(year__lt=year, title_zh__contains=longest)
        .select_related("authority")
        .prefetch_related(
            Prefetch("program_sectors", queryset=ProgramSector.objects.select_related("sector")),
            "checklist_items",
            "milestones",
            "fact_thresholds",
            Prefetch("qualification_requirements",
                     queryset=QualificationRequirement.objects.select_related("qualification")),
            "manual_conditions",
        )
        .order_by("-year", "-pk")
    )
    return next((p for p in candidates if YEAR_IN_TITLE.sub("", p.title_zh) == key), None)


# The open data (the API, the bulk extract) is the real catalog only: an example program has
# no notice behind it, and a reuser's copy would carry no 示例数据 badge.
# What a record (`tracker.interchange.open_data.record`) reads of a program: a page of 50 loads
# no long texts, and its sectors and regions come as codes (`record_codes`), not as 750 model
# instances.
RECORD_FIELDS = [
    "slug", "year", "title_zh", "title_en", "short_name_zh", "short_name_en", "benefit_kind",
    "opens_on", "deadline", "timezone", "published_at", "updated_at",
    "authority__name_zh", "authority__name_en", "authority__level",
]
RECORD_ROWS = Program.objects.select_related("authority").only(*RECORD_FIELDS)


def published_zones():
    """The time zones of the published programs, in one query."""
    return sorted(
        Program.objects.published().order_by().values_list("timezone", flat=True).distinct()
    )


def record_codes(programs):
    """({program id: region codes}, {program id: sector codes in their order}) of `programs`,
    in two queries whatever their number."""
    ids = [program.pk for program in programs]
    regions, sectors = {}, {}
    for program_id, code in (
        ProgramRegion.objects.filter(program_id__in=ids)
        .order_by("region__code").values_list("program_id", "region__code")
    ):
        regions.setdefault(program_id, []).append(code)
    for program_id, code in (
        ProgramSector.objects.filter(program_id__in=ids)
        .order_by("position", "id").values_list("program_id", "sector__code")
    ):
        sectors.setdefault(program_id, []).append(code)
    return regions, sectors


def open_program(slug):
    """One published real program with what its API record shows; 404 otherwise."""
    return get_object_or_404(
        Program.objects.published().real().select_related("authority").prefetch_related(
            *prefetch_for_rules(ticks=False), "milestones", "checklist_items",
        ),
        slug=slug,
    )


def extract_programs():
    """Every published real program, whatever its status, for the daily extract, in slug
    order."""
    return RECORD_ROWS.published().real().order_by("slug")

"""Reads of programs: the public list, one program's page and the self-check's candidates."""

import re

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from tracker.eligibility import load_rule_lists, prefetch_for_rules, rule_fields
from tracker.models import Program, ProgramSector

# What a self-check result card shows besides what the rules read: hundreds of programs are
# ranked, so the rest of each row (long texts, timestamps, reminder settings) is not loaded.
CARD_FIELDS = ["title_zh", "title_en", "is_demo", "authority__name_zh", "authority__name_en"]


def listed_programs(*, status="", sector=None, authority=None, now=None):
    """Published programs for /programs/: taking applications unless `status` says otherwise
    ("all", or one Program.Status), with their sectors in the notice's order."""
    listed = (
        Program.objects.published()
        .select_related("authority")
        .prefetch_related(
            Prefetch("program_sectors", queryset=ProgramSector.objects.select_related("sector"))
        )
    )
    if sector:
        listed = listed.filter(priority_sectors=sector)
    if authority:
        listed = listed.filter(authority=authority)
    if status == "":
        return listed.taking_applications(now)
    if status != "all":
        return listed.with_status(status, now)
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


def program_for(user, slug):
    """A program's page: published ones for everybody, drafts for staff too; 404 otherwise."""
    visible = Program.objects.all() if user.is_staff else Program.objects.published()
    return get_object_or_404(
        visible.select_related("authority").prefetch_related(*prefetch_for_rules()), slug=slug
    )


def self_check_candidates(now=None):
    """Every published program taking applications, loaded for ranking: the rule fields, the
    card fields and the rule lists, in a fixed number of queries however many there are."""
    programs = load_rule_lists(
        Program.objects.published()
        .around_taking_applications(now)
        .select_related("authority")
        .only(*rule_fields(), *CARD_FIELDS)
        .prefetch_related(*prefetch_for_rules(ticks=False))
    )
    return [program for program in programs if program.takes_applications(now)]


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
        )
        .order_by("-year", "-pk")
    )
    return next((p for p in candidates if YEAR_IN_TITLE.sub("", p.title_zh) == key), None)

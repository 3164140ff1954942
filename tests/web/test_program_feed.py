"""The Atom feed of new and changed programs, globally and for a filtered list."""

import datetime
import xml.etree.ElementTree as ET

import time_machine

from tests.web.test_program_search import incubator  # noqa: F401  (a fixture)
from tracker.services.programs import clone_as_next_edition

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, **params):
    response = client.get("/programs/feed.atom", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(root):
    return root.findall(f"{ATOM}entry")


def test_the_feed_is_atom_with_every_required_element(client, pilot_base, incubator):  # noqa: F811
    root = feed(client)

    assert root.tag == f"{ATOM}feed"
    # RFC 4287 §4.1.1: a feed has id, title and updated; each entry id, title, updated and a link.
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}").text
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href").endswith("/programs/")
    assert len(entries(root)) == 2
    for entry in entries(root):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/programs/")
        datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}author/{ATOM}name").text


def test_the_last_changed_program_comes_first(client, pilot_base, incubator):  # noqa: F811
    with time_machine.travel(datetime.datetime(2025, 4, 2, 2, tzinfo=datetime.timezone.utc)):
        pilot_base.summary_zh += "（修订）"
        pilot_base.save()

    titles = [e.find(f"{ATOM}title").text for e in entries(feed(client))]

    assert titles == [pilot_base.title_zh, incubator.title_zh]


def test_a_filtered_feed_follows_the_list_s_query_string(client, pilot_base, incubator):  # noqa: F811
    root = feed(client, q="孵化", region="450202")

    assert [e.find(f"{ATOM}title").text for e in entries(root)] == [incubator.title_zh]
    assert "孵化" in root.find(f"{ATOM}title").text
    assert "q=%E5%AD%B5%E5%8C%96" in root.find(f"{ATOM}link[@rel='alternate']").get("href")


def test_an_unpublished_program_is_not_in_the_feed(client, pilot_base):
    clone_as_next_edition(pilot_base)

    assert len(entries(feed(client))) == 1


def test_a_bad_filter_is_a_400_naming_the_field(client, pilot_base):
    response = client.get("/programs/feed.atom", {"posted": "365"})

    assert response.status_code == 400
    assert "发布时间" in response.content.decode()


def test_the_list_links_to_its_own_feed(client, pilot_base):
    body = client.get("/programs/", {"q": "中试"}).content.decode()

    assert 'type="application/atom+xml"' in body
    assert "/programs/feed.atom?q=%E4%B8%AD%E8%AF%95" in body

"""The program list's in-memory index: the same programs as the filters in SQL, its counts,
its orders, its freshness, and its queries."""

import datetime
import itertools
import random

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_programs
from tracker.models import (
    Authority,
    CatalogVersion,
    OrganizationKind,
    Program,
    ProgramSector,
    Region,
    Sector,
)
from tracker.selectors import listing as listing_module
from tracker.selectors.listing import catalog_index, listing
from tracker.selectors.programs import filtered_programs
from tracker.services import catalog

# 2025-04-20 20:00 in Beijing: the pilot base's last day, 12:00 UTC.
NOW = datetime.datetime(2025, 4, 20, 12, tzinfo=datetime.UTC)
Status = Program.Status


def ids(listed, stop=None):
    return listed.ids(0, stop)


@pytest.fixture
def catalog_of_every_kind(pilot_base):
    """Programs that differ in every filter: levels, authorities, regions from province to
    county and none, sectors, kinds (one open to any kind), benefits, every status and no
    dates (never published), a zone far from Beijing's, posting dates, unpublished ones and
    examples."""
    liuzhou, county = Region.objects.get(code="450200"), Region.objects.get(code="450202")
    beijing = Region.objects.get(code="110000")
    district = Authority.objects.create(
        name_zh="柳州市城中区科技局", level=Authority.Level.DISTRICT, region=county
    )
    national = Authority.objects.create(
        name_zh="科学技术部", level=Authority.Level.NATIONAL, region=beijing
    )
    sectors = list(Sector.objects.order_by("code")[:4])
    rng = random.Random(13)
    words = [
        "孵化器运营补贴", "中试基地认定", "专精特新奖励", "Pilot scale subsidy", "科技金融贷款"
    ]
    for i in range(40):
        opens = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 200))
        dated = i % 13 != 5
        program = Program.objects.create(
            slug=f"every-{i}", year=2025, title_zh=f"{words[i % len(words)]}{i}号",
            summary_zh=rng.choice(words),
            authority=[district, national, pilot_base.authority][i % 3],
            benefit_kind=list(Program.BenefitKind.values)[i % 6],
            eligible_kinds=[
                [], [OrganizationKind.ENTERPRISE],
                [OrganizationKind.UNIVERSITY, OrganizationKind.RESEARCH_INSTITUTE],
            ][i % 3],
            opens_on=opens if dated else None,
            deadline=opens + datetime.timedelta(days=rng.randrange(0, 120)) if dated else None,
            timezone="Pacific/Honolulu" if i % 7 == 0 else "Asia/Shanghai",
            is_published=dated and i % 11 != 3, is_demo=i % 9 == 4,
            published_at=NOW - datetime.timedelta(days=rng.randrange(0, 60)) if i % 5 else None,
        )
        program.regions.set([[], [liuzhou], [county], [beijing]][i % 4])
        for position, sector in enumerate(rng.sample(sectors, i % 3), start=1):
            ProgramSector.objects.create(program=program, sector=sector, position=position)
    return {"authorities": [district, national, pilot_base.authority], "sectors": sectors}


def filter_values(every):
    """Values of each filter, "" meaning any."""
    return {
        "q": ["", "补贴", "中试基地", "孵", "pilot", "科技 奖励"],
        "region": ["", *Region.objects.filter(code__in=["450000", "450200", "450202", "110000",
                                                      "440000"])],
        "level": ["", *Authority.Level.values],
        "authority": ["", *every["authorities"]],
        "sector": ["", *every["sectors"]],
        "kind": ["", *OrganizationKind.values],
        "benefit": ["", *Program.BenefitKind.values],
        "status": ["", "all", *[s for s in Status.values if s != Status.DRAFT]],
        "deadline_from": ["", datetime.date(2025, 4, 1)],
        "deadline_to": ["", datetime.date(2025, 6, 1)],
        "posted": ["", "7", "30"],
    }


def combinations(every, count=400):
    """`count` filter combinations: each filter alone with each value, then random mixes."""
    values = filter_values(every)
    for name, choices in values.items():
        for value in choices:
            yield {name: value}
    rng = random.Random(7)
    for _ in range(count):
        yield {name: rng.choice(choices) for name, choices in values.items()}


def test_the_index_selects_exactly_the_programs_the_sql_filters_select(catalog_of_every_kind):
    with time_machine.travel(NOW, tick=False):
        for filters in combinations(catalog_of_every_kind):
            expected = set(filtered_programs(filters).values_list("pk", flat=True))
            assert set(ids(listing(filters))) == expected, filters


def test_a_filters_counts_are_the_sizes_of_the_lists_its_values_give(catalog_of_every_kind):
    """Beside each value: how many programs the list would show with it instead of the
    filter's current value, the other filters kept."""
    values = filter_values(catalog_of_every_kind)
    rng = random.Random(3)
    with time_machine.travel(NOW, tick=False):
        for _ in range(25):
            filters = {name: rng.choice(choices) for name, choices in values.items()}
            counts = listing(filters).counts()
            for name in ("level", "authority", "sector", "kind", "benefit", "status"):
                # "Any" has no count but for the status, whose "" is "taking applications".
                for value in values[name] if name == "status" else values[name][1:]:
                    key = getattr(value, "pk", value)
                    expected = filtered_programs({**filters, name: value}).count()
                    assert counts[name].get(key, 0) == expected, (filters, name, value)


def test_a_program_in_honolulu_still_takes_applications_after_beijings_midnight(
    pilot_base, call_open
):
    far = Program.objects.create(
        slug="honolulu-2025", year=2025, title_zh="檀香山项目", authority=pilot_base.authority,
        opens_on=datetime.date(2025, 3, 27), deadline=datetime.date(2025, 4, 20),
        timezone="Pacific/Honolulu", is_published=True,
    )
    # 00:30 on 21 April in Beijing, 06:30 on 20 April in Honolulu.
    with time_machine.travel(datetime.datetime(2025, 4, 20, 16, 30, tzinfo=datetime.UTC)):
        listed = listing({})
        assert ids(listed) == [far.pk]
        assert listed.counts()["status"] == {
            "": 1, "all": 2, Status.UPCOMING: 0, Status.OPEN: 0, Status.CLOSING: 1,
            Status.CLOSED: 1,
        }


def test_the_list_orders_by_deadline_newest_and_relevance(catalog_of_every_kind):
    published = Program.objects.published()
    with time_machine.travel(NOW, tick=False):
        by_deadline = [p.pk for p in sorted(
            published, key=lambda p: (p.deadline is None, p.deadline or datetime.date.min, p.slug)
        )]
        assert ids(listing({"status": "all"}, sort="deadline")) == by_deadline
        newest = [p.pk for p in sorted(published, key=lambda p: p.slug)]
        newest.sort(key=lambda pk: published.get(pk=pk).published_at or datetime.datetime.min
                    .replace(tzinfo=datetime.UTC), reverse=True)
        assert ids(listing({"status": "all"}, sort="newest")) == newest
        # Best match first: a word in the title weighs more than in the summary; programs that
        # have it in the same fields are in deadline order.
        ranked = ids(listing({"status": "all", "q": "孵化器"}))

        def where(pk):
            program = Program.objects.get(pk=pk)
            return ("孵化器" in program.title_zh, "孵化器" in program.summary_zh)

        assert [where(pk) for pk in ranked] == sorted(map(where, ranked), reverse=True)
        for fields in set(map(where, ranked)):
            alike = [pk for pk in ranked if where(pk) == fields]
            assert alike == [pk for pk in by_deadline if pk in alike]


def test_a_page_loads_only_its_own_rows_and_in_the_lists_order(catalog_of_every_kind):
    with time_machine.travel(NOW, tick=False):
        listed = listing({"status": "all"}, sort="deadline")
        every = ids(listed)
        with CaptureQueriesContext(connection) as queries:
            page = listed[5:10]
        assert [p.pk for p in page] == every[5:10]
        assert len(queries) == 1
        assert len(listed) == listed.count() == len(every)


@pytest.mark.parametrize("edit", [
    "program saved", "unpublished by update", "sector added", "regions set", "authority level",
    "sector renamed", "another host",
])
def test_the_index_is_built_again_whenever_the_catalog_changes(pilot_base, call_open, edit):
    """Every way the catalog changes moves its stamp, so no process keeps listing the old one:
    the model's signals, a bulk write that says so, or another host's commit."""
    sector = Sector.objects.exclude(program_sectors__program=pilot_base).first()
    filters = {"sector": sector} if edit == "sector added" else {}
    if edit == "authority level":
        filters = {"level": Authority.Level.NATIONAL}
    if edit == "regions set":
        filters = {"region": Region.objects.get(code="110000")}
    shown_before = ids(listing(filters))
    before = catalog_index()
    if edit == "program saved":
        pilot_base.deadline = datetime.date(2025, 3, 31)
        pilot_base.save()
    elif edit == "unpublished by update":
        Program.objects.filter(pk=pilot_base.pk).update(is_published=False)
        catalog.changed()
    elif edit == "sector added":
        ProgramSector.objects.create(program=pilot_base, sector=sector, position=99)
    elif edit == "regions set":
        pilot_base.regions.set([Region.objects.get(code="110000")])
    elif edit == "authority level":
        pilot_base.authority.level = Authority.Level.NATIONAL
        pilot_base.authority.save()
    elif edit == "sector renamed":
        sector.name_zh += "（新）"
        sector.save()
    elif edit == "another host":
        Program.objects.filter(pk=pilot_base.pk).update(is_published=False)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE tracker_catalogversion SET stamp = %s", ["0" * 32])

    shown_after = ids(listing(filters))

    assert catalog_index() is not before
    expected = {
        "program saved": [], "unpublished by update": [], "sector added": [pilot_base.pk],
        "regions set": [pilot_base.pk], "authority level": [pilot_base.pk],
        "sector renamed": shown_before, "another host": [],
    }[edit]
    assert shown_before != expected or edit == "sector renamed"
    assert shown_after == expected


def test_an_unchanged_catalog_is_not_read_again(pilot_base, call_open):
    catalog_index()
    with CaptureQueriesContext(connection) as queries:
        index = catalog_index()
    assert len(queries) == 1 and index is catalog_index()


def test_building_the_index_reads_three_queries_whatever_the_catalogs_size(db):
    for count in (5, 60):
        make_programs(count, sectors=3, prefix=f"size-{count}")
        with CaptureQueriesContext(connection) as queries:
            catalog_index()
        assert len(queries) == 4  # the stamp, the programs, their sectors, their regions


def test_the_list_pages_queries_do_not_grow_with_the_catalog(client, db):
    def count(**params):
        client.get("/programs/", params)  # builds the index after the catalog changed
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/programs/", params).status_code == 200
        return len(queries)

    make_programs(5, sectors=3, prefix="few")
    few = [count(), count(q="孵化"), count(status="all", sort="newest")]
    make_programs(120, sectors=15, prefix="many")
    assert [count(), count(q="孵化"), count(status="all", sort="newest")] == few


def test_a_stamp_names_one_catalog_so_a_rolled_back_edit_is_never_listed(pilot_base, call_open):
    """An index built inside a transaction that rolls back is tagged with a stamp no
    committed catalog will ever have again."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        pilot_base.is_published = False
        pilot_base.save()
        assert ids(listing({})) == []
        raise RuntimeError
    assert ids(listing({})) == [pilot_base.pk]
    assert listing_module._index.stamp == CatalogVersion.current()


def test_the_masks_of_one_filter_value_combine_like_sets(catalog_of_every_kind):
    """AND of two filters is the intersection of their lists (a check on the bit arithmetic
    with programs far apart in the order)."""
    values = filter_values(catalog_of_every_kind)
    with time_machine.travel(NOW, tick=False):
        for level, benefit in itertools.product(values["level"][1:], values["benefit"][1:3]):
            both = set(ids(listing({"status": "all", "level": level, "benefit": benefit})))
            assert both == (set(ids(listing({"status": "all", "level": level})))
                            & set(ids(listing({"status": "all", "benefit": benefit}))))

"""Time discovery at catalog scale against the site's empty layout page, in the same run.

    .venv/bin/python bench/discovery.py [--programs 10000] [--open 2000] [--runs 30]

Builds a throwaway database (bench/throwaway_db.py: SQLite, or PostgreSQL with
BENCH_POSTGRES_URL) with the seed files and the full division hierarchy, then `--programs`
published programs spread over every division, `--open` of them taking applications, each
with 15 priority sectors and every rule set, and one firm tracking 50 of the open ones. Prints
the median of each page over `--runs` requests (after warm-up: the self-check's compiled copy
and the list's index are then loaded, as in a running site), each request followed by one of
the empty layout, with the ratio of the two medians and the page's queries. The self-check is
timed with a profile asked before (its ranking kept) and with a profile never asked before in
each request (every open program ranked again). Not a test: it prints figures.
"""

import argparse
import datetime
import itertools

import eligibility_pages  # sets up the throwaway database first

LABEL, measure_against = eligibility_pages.LABEL, eligibility_pages.measure_against

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from tests.factories import make_programs  # noqa: E402
from tracker.interchange import seeds  # noqa: E402
from tracker.models import Region, Sector  # noqa: E402

# Each a goal of the issue: the page's median at most this many times the empty layout.
GOALS = {
    "/check/": 10, "/check/ new profile": 10, "search 孵化": 10, "search 中试基地": 10,
    "/my/": 10, "API list 50": 5, "API all 50": 5,
}


def build(programs, open_programs, applications):
    seeds.load(seeds.seed_files(eligibility_pages.ROOT / "seeds"))
    regions = list(Region.objects.order_by("code"))
    today = datetime.date.today()
    opened = make_programs(
        open_programs, opens_on=today - datetime.timedelta(days=10), prefix="open", regions=regions
    )
    make_programs(
        programs - open_programs, opens_on=today - datetime.timedelta(days=400),
        prefix="closed", regions=regions,
    )
    user = eligibility_pages.dashboard_user(opened[:applications], region="450202")
    eligibility_pages.throwaway_db.settle()
    return user


def new_profiles(check, sectors):
    """The self-check's answers `check` with two of `sectors` and a number of partners never
    given together before: each a profile this process has not ranked (none of them kept)."""
    answers = (
        f"{check}&sectors={a}&sectors={b}&partner_count={partners}"
        for partners in range(1, 51)
        for a, b in itertools.combinations(sectors, 2)
    )
    return answers.__next__


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--open", type=int, default=2_000)
    parser.add_argument("--applications", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    settings.ROOT_URLCONF = "eligibility_pages"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The API's per-client throttle would refuse the measured requests (all from one client).
    settings.API_THROTTLE_RATE = "1000000/m"
    user = build(args.programs, args.open, args.applications)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    sector = Sector.objects.get(code="new-materials").pk
    check = (
        "/check/?kind=enterprise&region_province=450000&region_city=450200"
        "&region_county=450202&partner_kinds=university"
    )
    sectors = Sector.objects.order_by("pk").values_list("pk", flat=True)
    pages = [
        # A profile asked before (its ranking kept), then each request a new one.
        ("/check/", f"{check}&sectors={sector}&partner_count=2"),
        ("/check/ new profile", new_profiles(check, list(sectors))),
        ("search 孵化", "/programs/?q=孵化"),
        ("search 中试基地", "/programs/?q=中试基地&status=all"),
        ("region 城中区", "/programs/?region=450202&status=all&sort=newest"),
        ("/my/", "/my/"),
        # The open data API's list, a page of 50: those taking applications, then any status.
        ("API list 50", "/api/v1/programs?limit=50"),
        ("API all 50", "/api/v1/programs?status=all&limit=50"),
        ("API search 孵化", "/api/v1/programs?q=孵化&limit=50"),
    ]

    print(
        f"{args.programs} programs ({args.open} open) over {Region.objects.count()} divisions, "
        f"15 sectors each, {args.applications} applications, median of {args.runs} requests "
        f"each, in turn with the empty layout, {LABEL}, DEBUG off"
    )
    print(f"{'page':<18}{'median ms':>10}{'layout ms':>10}{'× layout':>10}{'goal':>7}"
          f"{'queries':>9}")
    for label, url in pages:
        median, layout, queries = measure_against(client, url, "/bench/page/", args.runs)
        goal = f"≤ {GOALS[label]}" if label in GOALS else ""
        print(f"{label:<18}{median * 1000:>10.2f}{layout * 1000:>10.2f}{median / layout:>10.1f}"
              f"{goal:>7}{queries:>9}")


if __name__ == "__main__":
    main()

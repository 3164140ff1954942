"""Time /check/ and /my/ at scale against a trivial Django view, in the same run.

    .venv/bin/python bench/eligibility_pages.py [--programs 500] [--sectors 15]
        [--applications 50] [--runs 30]

Builds a throwaway database (bench/throwaway_db.py: SQLite, or PostgreSQL with
BENCH_POSTGRES_URL), fills it with the seed files plus `--programs` open programs (each with
`--sectors` priority sectors and every rule set) and one firm tracking `--applications` of them
with two co-builders each, then prints the median time of each page over `--runs` requests
(after warm-up) and its ratio to a view that returns "ok" through the same middleware (and, for
scale, the site's empty layout). Not a test: it prints figures.
"""

import argparse
import datetime
import os
import statistics
import time
import warnings

import throwaway_db

os.environ.update(
    # The test client speaks plain HTTP; a deployment's TLS redirect would answer every request.
    SECURE_SSL_REDIRECT="0",
    ALLOWED_HOSTS="testserver",
    LOG_LEVEL="WARNING",
)
# whitenoise warns that collectstatic has not run; the pages are fetched, never their
# stylesheet.
warnings.filterwarnings("ignore", message="No directory at")
LABEL = throwaway_db.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from tests.factories import make_applications, make_partner, make_programs  # noqa: E402
from tracker.interchange import seeds  # noqa: E402
from tracker.models import Membership, Organization, OrganizationKind, Region, Sector  # noqa: E402

ROOT = throwaway_db.ROOT


def trivial(request):
    return HttpResponse("ok")


def trivial_page(request):
    """The site's empty layout: what any page of ours costs before its own content."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/page/", trivial_page),
    path("", include("config.urls")),
]


def build(programs, sectors, applications):
    seeds.load(seeds.seed_files(ROOT / "seeds"))
    today = datetime.date.today()
    rows = make_programs(programs, sectors=sectors, opens_on=today - datetime.timedelta(days=10))
    return dashboard_user(rows[:applications], region="450200")


def dashboard_user(programs, region):
    """A member of a firm in `region` tracking `programs`, each with two co-builders."""
    firm = Organization.objects.create(
        name_zh="基准测试企业", kind=OrganizationKind.ENTERPRISE,
        region=Region.objects.get(code=region),
    )
    firm.sectors.set(Sector.objects.filter(code="new-materials"))
    partners = [make_partner("基准合作高校"), make_partner("基准合作企业", kind="enterprise")]
    make_applications(firm, programs, partners)
    user = get_user_model().objects.create_user("bench", password="bench-pw")
    Membership.objects.create(user=user, organization=firm)
    return user


def measure(client, url, runs):
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries)


def measure_against(client, url, baseline, runs):
    """(median of `url`, median of `baseline`, queries of `url`), the two requested in turn:
    on a shared machine the speed drifts within a run, and a baseline timed minutes before
    the page would carry that drift into the ratio. `url`: a path, or a function giving the
    path of each request in turn (for a page that must not meet a request it has answered
    before)."""
    next_url = url if callable(url) else lambda: url
    for _ in range(3):
        path = next_url()
        assert client.get(path).status_code == 200, path
        client.get(baseline)
    times, baseline_times = [], []
    for _ in range(runs):
        for target, found in ((lambda: baseline, baseline_times), (next_url, times)):
            path = target()
            start = time.perf_counter()
            client.get(path)
            found.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        client.get(next_url())
    return statistics.median(times), statistics.median(baseline_times), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=500)
    parser.add_argument("--sectors", type=int, default=15)
    parser.add_argument("--applications", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    settings.ROOT_URLCONF = __name__
    # The deployed storage names files from collectstatic's manifest, which a throwaway run
    # does not build; plain names let {% static %} work, at about the same cost per page.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user = build(args.programs, args.sectors, args.applications)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    sector = Sector.objects.get(code="new-materials").pk
    check = (
        f"/check/?kind=enterprise&region_province=450000&region_city=450200&sectors={sector}"
        "&partner_count=2&partner_kinds=university"
    )

    base, _ = measure(client, "/bench/trivial/", args.runs)
    print(
        f"{args.programs} programs × {args.sectors} sectors, {args.applications} applications, "
        f"median of {args.runs} requests, {LABEL}, DEBUG off"
    )
    print(f"{'page':<14}{'median ms':>10}{'× trivial':>11}{'queries':>9}")
    print(f"{'trivial view':<14}{base * 1000:>10.2f}{1:>11.1f}{'0':>9}")
    for label, url in [("empty layout", "/bench/page/"), ("/check/", check), ("/my/", "/my/")]:
        median, queries = measure(client, url, args.runs)
        print(f"{label:<14}{median * 1000:>10.2f}{median / base:>11.1f}{queries:>9}")


if __name__ == "__main__":
    main()

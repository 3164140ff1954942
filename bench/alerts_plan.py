"""Matching one published program against every organization: `python bench/alerts_plan.py`.

100,000 organizations (kinds, regions across Guangxi's cities and counties and beyond, sectors,
partners' kinds, one member each, half of them opted in) in a throwaway database, and one
provincial program with a kind, region, required-sector and partnership rule. Prints, for
alerts.match_changed(): the query count at 10,000 and at 100,000 organizations (it must not
grow), its time against hand-written INSERT … SELECT statements making the same message and
delivery rows in the same run (goal: at most 3x), a rerun that plans nothing, and, for the
record, the same planning with every rule judged in Python (what a rule that cannot be said in
SQL costs). Then the daily digests of 10,000 of those members: planning and sending them (to
Django's in-memory mail backend, so that the figure is the site's own work), time and queries.
"""

import datetime
import logging
import os
import statistics
import time

import throwaway_db

os.environ["EMAIL_URL"] = "memorymail://"
# One sweep sends every digest (the default stops after 60 s and leaves the rest to the next).
os.environ["REMINDER_SWEEP_SECONDS"] = "3600"

LABEL = throwaway_db.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from tracker.eligibility import RULES  # noqa: E402
from tracker.models import (  # noqa: E402
    AlertDelivery,
    AlertMessage,
    AlertPreference,
    Membership,
    Organization,
    OrganizationKind,
    Program,
    ProgramSector,
    Region,
    Sector,
)
from tracker.notifications import alerts, digests  # noqa: E402

logging.getLogger("tracker").setLevel(logging.WARNING)
SMALL, LARGE = 10_000, 100_000
DIGEST_READERS = 10_000
IN_PYTHON = 10_000
REPEATS = 3
KINDS = [OrganizationKind.ENTERPRISE] * 6 + [
    OrganizationKind.UNIVERSITY, OrganizationKind.RESEARCH_INSTITUTE, OrganizationKind.OTHER, ""
]
PARTNER_KINDS = [None, [], ["university"], ["enterprise", "research_institute"]]


def make_regions():
    """Guangxi, its 14 cities and 5 counties each, and Beijing outside it."""
    province = Region.objects.get(code="450000")
    cities = Region.objects.bulk_create(
        Region(code=f"45{c:02d}00", name_zh=f"市{c}", level="city", parent=province)
        for c in range(1, 15)
    )
    counties = Region.objects.bulk_create(
        Region(code=f"{city.code[:4]}{n:02d}", name_zh=f"{city.name_zh}县{n}", level="county",
               parent=city)
        for city in cities for n in range(1, 6)
    )
    beijing = Region.objects.create(code="110000", name_zh="北京市")
    return [*cities, *counties, beijing, None]


def make_program(authority, sectors, now):
    today = timezone.localtime(now).date()
    program = Program.objects.create(
        slug="provincial-call", year=2025, title_zh="自治区级项目", authority=authority,
        source_publication="bench", opens_on=today - datetime.timedelta(days=5),
        deadline=today + datetime.timedelta(days=40), is_published=True,
        eligible_kinds=[OrganizationKind.ENTERPRISE, OrganizationKind.UNIVERSITY],
        sector_policy=Program.SectorPolicy.REQUIRED,
        preferred_partnership=Program.Partnership.ACADEMIA_ENTERPRISE,
    )
    program.regions.set([Region.objects.get(code="450000")])
    ProgramSector.objects.bulk_create(
        ProgramSector(program=program, sector=s, position=n) for n, s in enumerate(sectors[:5])
    )
    return program


def add_organizations(start, stop, regions, sectors):
    """Organizations start..stop with a member each; every other member opted in."""
    organizations = Organization.objects.bulk_create(
        Organization(
            name_zh=f"单位{n}", kind=KINDS[n % len(KINDS)], region=regions[n % len(regions)],
            partner_kinds=PARTNER_KINDS[n % len(PARTNER_KINDS)], calendar_token=f"bench-{n}",
        )
        for n in range(start, stop)
    )
    Organization.sectors.through.objects.bulk_create(
        Organization.sectors.through(organization=org, sector=sectors[(n * 7 + k) % len(sectors)])
        for n, org in enumerate(organizations, start) for k in range(n % 3)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"member{n}", email=f"member{n}@example.com")
        for n in range(start, stop)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organization=org)
        for user, org in zip(users, organizations, strict=True)
    )
    AlertPreference.objects.bulk_create(
        AlertPreference(user=user, kind="new_match", frequency="immediate")
        for user in users[::2]
    )


def reset(program):
    AlertDelivery.objects.all().delete()
    AlertMessage.objects.all().delete()
    Program.objects.filter(pk=program.pk).update(alert_fingerprint="", alert_planned_version=0)


def timed(program, function):
    reset(program)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        planned = function()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), planned, AlertDelivery.objects.count()


MESSAGES = """
INSERT INTO tracker_alertmessage (organization_id, program_id, application_id, kind, version,
    verdict, changes, created_at)
SELECT o.id, %(program)s, NULL, 'new_match', %(version)s,
    CASE WHEN o.region_id IS NULL OR o.kind = '' OR o.partner_kinds IS NULL
        OR NOT EXISTS (SELECT 1 FROM tracker_organization_sectors s WHERE s.organization_id = o.id)
    THEN 'incomplete' ELSE 'eligible' END,
    {empty_list}, %(now)s
FROM tracker_organization o LEFT JOIN tracker_region r ON r.id = o.region_id
WHERE o.kind IN ('enterprise', 'university', '')
    AND (o.region_id IS NULL OR r.code LIKE '45%%')
    AND (NOT EXISTS (SELECT 1 FROM tracker_organization_sectors s WHERE s.organization_id = o.id)
        OR EXISTS (SELECT 1 FROM tracker_organization_sectors s
                   WHERE s.organization_id = o.id AND s.sector_id IN ({sectors})))
    AND EXISTS (SELECT 1 FROM tracker_membership m WHERE m.organization_id = o.id)
    AND NOT EXISTS (SELECT 1 FROM tracker_application a
                    WHERE a.organization_id = o.id AND a.program_id = %(program)s)
    AND NOT EXISTS (SELECT 1 FROM tracker_alertmessage x WHERE x.organization_id = o.id
                    AND x.program_id = %(program)s AND x.kind = 'new_match')
ON CONFLICT DO NOTHING
"""

DELIVERIES = """
INSERT INTO tracker_alertdelivery (message_id, user_id, channel, status, attempts,
    next_attempt_at, last_error, created_at, sent_at)
SELECT x.id, m.user_id, %(channel)s, %(status)s, 0, %(now)s, '', %(now)s, {sent_at}
FROM tracker_alertmessage x
JOIN tracker_membership m ON m.organization_id = x.organization_id
JOIN auth_user u ON u.id = m.user_id
WHERE x.program_id = %(program)s AND x.version = %(version)s AND x.kind = 'new_match'
    AND u.is_active {email}
    AND EXISTS (SELECT 1 FROM tracker_alertpreference p WHERE p.user_id = m.user_id
                AND p.kind = 'new_match' AND p.frequency <> 'off')
ON CONFLICT DO NOTHING
"""


def hand_written(program, now):
    listed = program.program_sectors.values_list("sector", flat=True)
    sectors = ", ".join(str(int(pk)) for pk in listed)
    empty_list = "'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'"
    params = {"program": program.pk, "version": 1, "now": now}

    def run():
        with connection.cursor() as cursor:
            cursor.execute(MESSAGES.format(empty_list=empty_list, sectors=sectors), params)
            cursor.execute(DELIVERIES.format(sent_at="%(now)s", email=""),
                           {**params, "channel": "in_app", "status": "sent"})
            cursor.execute(DELIVERIES.format(sent_at="NULL", email="AND u.email <> ''"),
                           {**params, "channel": "email", "status": "pending"})
        return AlertMessage.objects.count()

    return run


def all_in_python():
    """match_changed() with no rule said in SQL: every organization judged in Python."""
    saved = {type(rule): type(rule).organizations for rule in RULES}
    for rule_class in saved:
        rule_class.organizations = lambda self, program, today: None
    try:
        return alerts.match_changed()
    finally:
        for rule_class, method in saved.items():
            rule_class.organizations = method


def main():
    now = timezone.now()
    print(f"Database: {LABEL}")
    started = time.perf_counter()
    authority = throwaway_db.make_authority()
    regions = make_regions()
    sectors = Sector.objects.bulk_create(
        Sector(code=f"sector-{n}", name_zh=f"领域{n}") for n in range(20)
    )
    program = make_program(authority, sectors, now)
    add_organizations(0, IN_PYTHON, regions, sectors)
    python_s, python_queries, python_rows, _ = timed(program, all_in_python)
    _, small_queries, small_rows, _ = timed(program, lambda: alerts.match_changed(now))
    assert python_rows == small_rows, (python_rows, small_rows)
    add_organizations(SMALL, LARGE, regions, sectors)
    print(f"Data: {LARGE:,} organizations with a member each, one provincial program "
          f"(built in {time.perf_counter() - started:.1f} s)")

    ours, raw = [], []
    for _ in range(REPEATS):
        elapsed, large_queries, large_rows, deliveries = timed(
            program, lambda: alerts.match_changed(now)
        )
        ours.append(elapsed)
        elapsed, _, raw_rows, raw_deliveries = timed(program, hand_written(program, now))
        raw.append(elapsed)
        assert (raw_rows, raw_deliveries) == (large_rows, deliveries), (
            raw_rows, raw_deliveries, large_rows, deliveries
        )
    timed(program, lambda: alerts.match_changed(now))
    with CaptureQueriesContext(connection) as rerun_queries:
        started = time.perf_counter()
        again = alerts.match_changed(now)
        rerun = time.perf_counter() - started

    digest = digest_run(now)

    ours_s, raw_s = statistics.median(ours), statistics.median(raw)
    print(f"match_changed() queries: {small_queries} at {SMALL:,} organizations "
          f"({small_rows:,} messages), {large_queries} at {LARGE:,} ({large_rows:,} messages, "
          f"{deliveries:,} deliveries)")
    print(f"match_changed():               {ours_s:6.2f} s  (median of {REPEATS})")
    print(f"hand-written INSERT … SELECT:  {raw_s:6.2f} s  (same rows)")
    print(f"ratio match_changed()/hand:    {ours_s / raw_s:6.2f}x  (goal <= 3x)")
    print(f"rerun (nothing changed):       {rerun:6.3f} s, {len(rerun_queries)} queries, "
          f"{again} messages")
    print(f"every rule in Python instead:  {python_s:6.2f} s at {IN_PYTHON:,} organizations, "
          f"{python_queries} queries ({python_rows:,} messages, the same)")
    print("daily digests for {readers:,} readers: planned in {plan_s:.2f} s ({plan_q} queries), "
          "sent in {send_s:.2f} s ({send_q} queries, {sent:,} mails)".format(**digest))


def digest_run(now):
    """10,000 of the members who were just told take new matches daily instead: one digest
    each, listing that alert, planned and sent by the digests' sweep."""
    from django.core import mail

    readers = AlertDelivery.objects.filter(channel="in_app").values("user")[:DIGEST_READERS]
    AlertPreference.objects.filter(user__in=readers).update(frequency="daily")
    local = timezone.localtime(now)
    at = now + datetime.timedelta(hours=max(digests.DIGEST_HOUR - local.hour, 0))
    with CaptureQueriesContext(connection) as planning:
        started = time.perf_counter()
        digests.plan(at)
        plan_s = time.perf_counter() - started
    # Counted, not captured: Django keeps the last 9,000 queries only.
    sending = []
    with connection.execute_wrapper(lambda execute, *args: sending.append(1) or execute(*args)):
        started = time.perf_counter()
        sent = digests.sweep(at)["sent"]
        send_s = time.perf_counter() - started
    assert sent == len(mail.outbox) == DIGEST_READERS, (sent, len(mail.outbox))
    return {"readers": DIGEST_READERS, "plan_s": plan_s, "plan_q": len(planning),
            "send_s": send_s, "send_q": len(sending), "sent": sent}


if __name__ == "__main__":
    main()

"""A throwaway database for the benchmarks: never the developer's db.sqlite3.

By default a SQLite file in a temporary directory (WAL + IMMEDIATE, as in production). With
BENCH_POSTGRES_URL=postgres://user@host:port (a server, no database name), a fresh database
`bench_<pid>` is created there and dropped at exit.
"""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup():
    """Point Django at a new empty database, migrate it, and return a label for the report."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    # Measure the deployed configuration: DEBUG=1 also records every SQL query in memory.
    os.environ.setdefault("DEBUG", "0")
    os.environ["REDIS_URL"] = ""
    server = os.environ.get("BENCH_POSTGRES_URL", "").rstrip("/")
    if server:
        label = _postgres(server)
    else:
        directory = tempfile.mkdtemp(prefix="bench-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        label = "SQLite (temporary file, WAL)"

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return label


def _postgres(server):
    import psycopg

    name = f"bench_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    return f"PostgreSQL (temporary database {name})"


def settle():
    """After a bulk load on PostgreSQL, VACUUM ANALYZE: what autovacuum does within a minute or
    so in a running site (planner statistics, and the visibility map an index-only scan
    needs); without it the first minutes are measured, not the site."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def make_authority():
    from tracker.models import Authority, Region

    region = Region.objects.create(code="450000", name_zh="广西壮族自治区")
    return Authority.objects.create(
        name_zh="广西壮族自治区科学技术厅", level=Authority.Level.PROVINCIAL, region=region
    )


def add_trackers(programs, start, stop):
    """Firms start..stop, each with one contact (Chinese or English) tracking one program."""
    from tracker.models import Application, Contact, Organization, OrganizationKind

    statuses = [Application.Status.INTERESTED, Application.Status.PREPARING]
    organizations = Organization.objects.bulk_create(
        Organization(name_zh=f"企业{n}", kind=OrganizationKind.ENTERPRISE)
        for n in range(start, stop)
    )
    Contact.objects.bulk_create(
        Contact(organization=org, email=f"firm{n}@example.com", language=["zh-hans", "en"][n % 2])
        for n, org in enumerate(organizations, start)
    )
    Application.objects.bulk_create(
        Application(
            organization=org, program=programs[n % len(programs)], status=statuses[n % 2]
        )
        for n, org in enumerate(organizations, start)
    )

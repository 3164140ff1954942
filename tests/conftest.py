"""Shared fixtures: the seed data and the personas most tests need, real SMTP servers, and
live django-q2 clusters."""

import asyncio
import contextlib
import datetime
import email
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import connection
from django.utils import translation

from tracker.interchange import seeds
from tracker.models import (
    Application,
    Contact,
    Membership,
    Organization,
    OrganizationKind,
    Program,
    Region,
)

# The `chromium` fixture for the browser tests.
pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def division_codes(request, django_db_blocker):
    """The ~3,200 divisions of seeds/regions/, committed outside the test's transaction so that
    they are loaded once per test database, not in every test (a tenth of a second or more
    each). Autouse, so that it runs before the `db` fixture opens that transaction. A
    transactional test's flush empties them: the next test loads them again."""
    if not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        if not Region.objects.exists():
            seeds.load_regions(settings.BASE_DIR / "seeds" / seeds.REGIONS_FILE)


@pytest.fixture
def seeded(db):
    """The real seed files, loaded as `make run` loads them (the divisions are already there)."""
    seeds.load([p for p in seeds.seed_files(settings.BASE_DIR / "seeds") if p.suffix == ".yaml"])


@pytest.fixture
def demo_catalog(seeded):
    """The example programs of `load_seeds --demo` (`make run`), dated from today."""
    seeds.load(sorted((settings.BASE_DIR / "seeds" / seeds.DEMO_DIRECTORY).glob("*.yaml")))


@pytest.fixture
def pilot_base(seeded):
    return Program.objects.get(slug="guangxi-pilot-base-2025")


@pytest.fixture
def liugang(seeded):
    return Organization.objects.get(name_zh="柳钢集团")


@pytest.fixture
def firm_user(django_user_model, liugang):
    """A member of 柳钢集团 (not staff), who logs in as liugang@example.com (verified)."""
    user = django_user_model.objects.create_user("liugang", "liugang@example.com", "pw")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    Membership.objects.create(user=user, organization=liugang, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def other_firm_user(django_user_model, seeded):
    """A member of 东风柳汽, who must never see 柳钢集团's data."""
    user = django_user_model.objects.create_user("dflz", "dflz@example.com", "pw")
    Membership.objects.create(user=user, organization=Organization.objects.get(name_zh="东风柳汽"))
    return user


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")


# 2025-04-01 10:00 in Beijing: the seed call (2025-03-27 to 2025-04-20) takes applications.
CALL_OPEN = datetime.datetime(2025, 4, 1, 2, tzinfo=datetime.timezone.utc)


@pytest.fixture
def call_open():
    """Frozen at CALL_OPEN."""
    with time_machine.travel(CALL_OPEN, tick=False):
        yield CALL_OPEN


@pytest.fixture
def during_the_call():
    """From CALL_OPEN on, ticking: browser tests need time to pass, for their waits, the
    server's sessions and the sign-up keys."""
    with time_machine.travel(CALL_OPEN, tick=True):
        yield CALL_OPEN


@pytest.fixture(autouse=True)
def chinese_after_each_test():
    """A request leaves its language active in the thread: the next test starts in Chinese."""
    yield
    translation.deactivate()


@pytest.fixture
def english_client(client):
    """A reader who chose English with the language switch: pages are asserted on their
    English msgids, whatever translations are compiled."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_due_now(program, days_left):
    """Date `program` so that its deadline is `days_left` days away today and its reminders go
    out at any hour: a reminder of that lead is due now."""
    today = program.local_today()
    program.opens_on = today - datetime.timedelta(days=30)
    program.deadline = today + datetime.timedelta(days=days_left)
    program.send_hour = 0
    program.save()


@pytest.fixture
def add_trackers():
    """Makes `count` firms, each with one contact (Chinese or English) tracking `program`."""

    def add(program, count):
        organizations = Organization.objects.bulk_create(
            Organization(name_zh=f"企业{n}", kind=OrganizationKind.ENTERPRISE)
            for n in range(count)
        )
        Contact.objects.bulk_create(
            Contact(organization=org, email=f"firm{n}@example.com",
                    language=["zh-hans", "en"][n % 2])
            for n, org in enumerate(organizations)
        )
        Application.objects.bulk_create(
            Application(organization=org, program=program) for org in organizations
        )

    return add


def pytest_collection_modifyitems(config, items):
    """Everything under tests/integration/ is marked `integration`, so that `make test` (which
    leaves them to `make test-integration`) cannot pick up a slow test that forgot its marker.

    Tests marked `postgres` need row locks SQLite lacks; CI runs them with DATABASE_URL set.
    The `soak` test also needs the Redis broker. Outside CI it is skipped without REDIS_URL; in
    CI's PostgreSQL run it must not vanish silently, so there it runs and fails instead.
    """
    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    needs_postgres = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    needs_redis = pytest.mark.skip(reason="needs the Redis broker (set REDIS_URL)")
    in_ci = os.environ.get("CI") == "true"
    integration_dir = Path(__file__).parent / "integration"
    for item in items:
        if integration_dir in Path(item.path).parents:
            item.add_marker(pytest.mark.integration)
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(needs_postgres)
        elif "soak" in item.keywords and not settings.REDIS_URL and not in_ci:
            item.add_marker(needs_redis)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that ran django-q2 clusters shows their logs (kept in test-artifacts/)."""
    report = yield
    if report.when == "call" and report.failed:
        for cluster in getattr(item, "qclusters", []):
            report.sections.append((f"qcluster {cluster.name} log", cluster.log()[-20_000:]))
    return report


# --- A real SMTP server for the reminder tests ----------------------------------------------------
# aiosmtpd logs every SMTP command; thousands of lines would bury a failure's own output.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class SmtpServer:
    """aiosmtpd on 127.0.0.1, keeping every message it accepts (parsed) in `messages`.

    `seconds_per_message` slows each DATA reply down, like a busy relay. With
    `greylist_percent`, the first delivery of that share of reminder keys is refused with
    a temporary failure, as a greylisting server does; a later attempt is accepted. The choice
    hangs on the key alone, so it does not depend on which sender tries first.
    """

    def __init__(self, port, greylist_percent=0, seconds_per_message=0):
        self.port = port
        self.messages = []
        self.greylist_percent = greylist_percent
        self.seconds_per_message = seconds_per_message
        self.refused = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.seconds_per_message:
            await asyncio.sleep(self.seconds_per_message)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        key = message["X-Reminder-Key"]
        greylisted = key and zlib.crc32(key.encode()) % 100 < self.greylist_percent
        if greylisted and key not in self.refused:
            self.refused.append(key)
            return "451 4.7.1 Greylisted, try again later"
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def greylisting_smtp_server():
    """A running SMTP server that refuses the first delivery of about one reminder in five."""
    server = SmtpServer(free_port(), greylist_percent=20)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server that Django's mail goes to (not mail.outbox)."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    server.start()
    yield server
    server.stop()


@pytest.fixture
def robot_server():
    """Starts local WeCom/DingTalk robots (tests/robots.py): `robot_server(script=None,
    secrets=None)` returns a running RobotServer; all are stopped after the test."""
    from tests.robots import RobotServer

    servers = []

    def start(**options):
        servers.append(RobotServer(**options).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


# --- Live django-q2 clusters --------------------------------------------------------------------
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


def cluster_database_url():
    """This test run's database (pytest-django's test_<name>) as a DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Cluster:
    """`manage.py qcluster` in its own process group, on the test database, logging to a file."""

    STOP_GRACE = 20  # seconds a cluster gets to stop on SIGTERM before its group is killed

    def __init__(self, name, log_path, env):
        self.name = name
        self.log_path = log_path
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so the workers can be killed
            )
        self.stopped_by = None
        self.stop_seconds = None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def is_running(self):
        return self.process.poll() is None

    def stop(self):
        """SIGTERM to the main process only, a bounded wait, then SIGKILL to the whole group:
        django-q2's SIGTERM handler can deadlock (docs/operations.md)."""
        if self.stopped_by:
            return
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=self.STOP_GRACE)
            self.stopped_by = "SIGTERM"
        except subprocess.TimeoutExpired:
            self.stopped_by = "SIGKILL"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # workers the main process left behind
        self.process.wait(timeout=10)
        self.stop_seconds = round(time.monotonic() - started, 2)

    def survivors(self):
        """Pids still running in the cluster's process group (Linux /proc). Zombies do not
        count: nothing runs in them, and they are reaped by whoever inherited them."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                # After "pid (command)": state, parent pid, process group.
                state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
                if int(group) == self.process.pid and state != "Z":
                    pids.append(int(stat.parent.name))
        return pids


@pytest.fixture
def qcluster(request, transactional_db):
    """Starts django-q2 clusters on the test database; all are stopped after the test.

    `qcluster(name, smtp_port, **env)`: REDIS_URL="" picks the ORM broker on the test database,
    other variables override settings (Q_WORKERS, REMINDER_BACKOFF_SECONDS …). The data a
    cluster reads must be committed, hence `transactional_db`; requesting it here also makes
    the clusters stop before pytest-django empties the database.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    request.node.qclusters = clusters = []

    def start(name, smtp_port, **env):
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": cluster_database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            **env,
        }
        cluster = Cluster(name, ARTIFACTS / f"{request.node.name}-{name}.log", environment)
        clusters.append(cluster)
        return cluster

    yield start
    for cluster in clusters:
        cluster.stop()


# --- A live multi-process web server ------------------------------------------------------------
def wait_for_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def web_server(request, transactional_db):
    """gunicorn with `workers` processes serving the test database, as deployed; its URL.

    Several worker processes, unlike Django's one-process live_server: a guarantee that holds
    under concurrency must hold across processes, each with its own database connection.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    servers = []

    def start(workers=4):
        port = free_port()
        log_path = ARTIFACTS / f"{request.node.name}-gunicorn.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": cluster_database_url(),
        }
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
                 "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                cwd=settings.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        servers.append(process)
        wait_for_port(port)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in servers:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

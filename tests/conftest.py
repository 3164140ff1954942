"""Shared fixtures: the seed data and the personas most tests need."""

import datetime
import email
import email.policy
import socket

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import translation

from tracker import seeds
from tracker.models import Membership, Organization, Program

# The `chromium` fixture for the browser tests.
pytest_plugins = ["tests.browser"]


@pytest.fixture
def seeded(db):
    """The real seed files, loaded as `make run` loads them."""
    seeds.load(seeds.seed_files(settings.BASE_DIR / "seeds"))


@pytest.fixture
def pilot_base(seeded):
    return Program.objects.get(slug="guangxi-pilot-base-2025")


@pytest.fixture
def liugang(seeded):
    return Organization.objects.get(name_zh="柳钢集团")


@pytest.fixture
def firm_user(django_user_model, liugang):
    """A member of 柳钢集团 (not staff)."""
    user = django_user_model.objects.create_user("liugang", "liugang@example.com", "pw")
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


@pytest.fixture
def call_open():
    """2025-04-01 10:00 in Beijing: the seed call (2025-03-27 to 2025-04-20) takes applications."""
    moment = datetime.datetime(2025, 4, 1, 2, tzinfo=datetime.timezone.utc)
    with time_machine.travel(moment, tick=False):
        yield moment


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


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locks SQLite lacks; CI runs them with DATABASE_URL set."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# --- A real SMTP server for the reminder tests ----------------------------------------------------
class SmtpServer:
    """aiosmtpd on 127.0.0.1, keeping every message it accepts (parsed) in `messages`."""

    def __init__(self, port):
        self.port = port
        self.messages = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
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

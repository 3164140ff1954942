"""Shared fixtures: the seed data and the personas most tests need."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from tracker import seeds
from tracker.models import Membership, Organization, Program


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

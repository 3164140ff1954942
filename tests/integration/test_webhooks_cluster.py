"""Two live django-q2 clusters deliver deadline reminders to 40 organizations' group robots on a
real local HTTP server that fails many first attempts (500s, hangs past the timeout, busy-robot
errcodes): every message arrives exactly once, a revoked robot's row ends failed and visible
in the admin, and "retry now" in the admin sends it once the robot works again.

Sweeps are queued as tasks from here (tasks only trigger the idempotent sweep), on whatever
broker the environment names; both clusters and this process use the same one.
"""

import collections
import threading
import time

import pytest
from django.urls import reverse
from django_q.tasks import async_task

from tests.conftest import make_due_now
from tests.robots import REVOKED
from tracker.models import Application, Organization, OrganizationKind, Reminder, Webhook

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FIRMS = 40
SECRET = "SECcluster-test-secret"


def failures():
    """Each robot's first attempts fail by its number: a 500, a hang past WEBHOOK_TIMEOUT, a
    busy-robot errcode then a 500, or nothing. At most two failures per message, well within
    REMINDER_MAX_ATTEMPTS; the first attempts of different robots fail in every way at once."""
    attempts = collections.Counter()
    lock = threading.Lock()

    def script(n, path, credential):
        with lock:
            attempts[credential] += 1
            attempt = attempts[credential]
        if not credential.startswith("firm"):
            return None
        plan = {
            0: [500],
            1: ["hang"],
            2: [130101 if path == "/robot/send" else 45009, 503],
            3: [],
        }[int(credential.removeprefix("firm")) % 4]
        return plan[attempt - 1] if attempt <= len(plan) else None

    return script


def robot_rows():
    return dict(
        Reminder.objects.filter(webhook__isnull=False)
        .values_list("webhook__url", "status")
    )


def sweep_until(done, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        async_task("tracker.tasks.send_due_reminders")
        time.sleep(1.5)
    return done()


def test_two_clusters_deliver_every_robot_message_once_through_failures(
    pilot_base, smtp_server, robot_server, qcluster, client, staff_user
):
    robots = robot_server(script=failures(), secrets={}, hang_seconds=3)
    make_due_now(pilot_base, days_left=3)
    organizations = Organization.objects.bulk_create(
        Organization(name_zh=f"群企业{n}", kind=OrganizationKind.ENTERPRISE)
        for n in range(FIRMS + 1)
    )
    Application.objects.bulk_create(
        Application(organization=org, program=pilot_base) for org in organizations
    )
    for n, organization in enumerate(organizations[:FIRMS]):
        kind = ["wecom", "dingtalk"][n % 2]
        secret = SECRET if kind == "dingtalk" else ""
        if secret:
            robots.secrets[f"firm{n}"] = secret  # the server checks each signature
        Webhook.objects.create(
            organization=organization, kind=kind, url=robots.url(kind, f"firm{n}"),
            secret=secret,
        )
    revoked = Webhook.objects.create(
        organization=organizations[FIRMS], kind="wecom", url=robots.url("wecom", REVOKED)
    )

    env = {"Q_WORKERS": "2", "REMINDER_BACKOFF_SECONDS": "1", "WEBHOOK_TIMEOUT": "1"}
    qcluster("one", smtp_server.port, **env)
    qcluster("two", smtp_server.port, **env)

    def settled():
        rows = robot_rows()
        return len(rows) == FIRMS + 1 and all(s in ("sent", "failed") for s in rows.values())

    assert sweep_until(settled, 150), robot_rows()

    delivered = collections.Counter(
        credential for credential, _body in robots.accepted
    )
    assert sorted(delivered) == sorted(f"firm{n}" for n in range(FIRMS))  # 0 lost
    assert set(delivered.values()) == {1}  # 0 duplicates
    assert robots.requests > FIRMS * 1.5  # the failures did happen
    rows = robot_rows()
    assert rows.pop(revoked.url) == "failed"
    assert set(rows.values()) == {"sent"}
    failed = Reminder.objects.get(webhook=revoked)
    assert (failed.attempts, failed.last_error) == (1, "errcode 93000: invalid webhook url / token")

    # An administrator sees it, the firm fixes its robot, "retry now" sends it once.
    client.force_login(staff_user)
    changelist = reverse("admin:tracker_reminder_changelist")
    page = client.get(f"{changelist}?channel=webhook&status__exact=failed").content.decode()
    assert "errcode 93000" in page
    robots.revoked.clear()
    client.post(changelist, {"action": "retry_now", "_selected_action": [failed.pk]})
    assert sweep_until(lambda: robot_rows()[revoked.url] == "sent", 60)
    assert collections.Counter(c for c, _ in robots.accepted)[REVOKED] == 1
    assert len(robots.accepted) == FIRMS + 1

"""Concurrent alert sweeps on PostgreSQL: the program row lock and the unique keys, for real."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.conftest import make_due_now
from tests.factories import opt_in
from tracker.models import (
    AlertDelivery,
    AlertMessage,
    Membership,
    Organization,
    Region,
    SavedSearch,
)
from tracker.notifications import alerts
from tracker.services.alerts import save_search

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

FIRMS = 200
SWEEPS = 4


def test_four_concurrent_sweeps_tell_each_matching_firm_once(
    pilot_base, django_user_model, smtp_server
):
    make_due_now(pilot_base, days_left=30)  # real time: the threads' own connections
    liuzhou = Region.objects.get(code="450200")
    firms = Organization.objects.bulk_create(
        Organization(name_zh=f"企业{n}", kind="enterprise", region=liuzhou,
                     calendar_token=f"concurrent-{n}")
        for n in range(FIRMS)
    )
    users = django_user_model.objects.bulk_create(
        django_user_model(username=f"m{n}", email=f"m{n}@example.com") for n in range(FIRMS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=f) for u, f in zip(users, firms, strict=True)
    )
    for user in users:
        opt_in(user)
    start = threading.Barrier(SWEEPS)
    errors = []

    def sweep():
        try:
            start.wait()
            alerts.sweep()
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    pilot_base.refresh_from_db()
    assert (pilot_base.alert_version, pilot_base.alert_planned_version) == (1, 1)
    assert AlertMessage.objects.filter(organization__in=firms).count() == FIRMS
    recipients = [message["To"] for message in smtp_server.messages]
    assert len(recipients) == FIRMS and len(set(recipients)) == FIRMS
    assert AlertDelivery.objects.filter(status="sent").count() == 2 * FIRMS


def test_concurrent_saves_never_take_a_member_past_the_saved_search_limit(other_firm_user):
    dflz = Organization.objects.get(name_zh="东风柳汽")
    SavedSearch.objects.bulk_create(
        SavedSearch(user=other_firm_user, organization=dflz, name=f"s{n}", querystring=f"q=w{n}")
        for n in range(SavedSearch.LIMIT - 1)
    )
    start = threading.Barrier(SWEEPS)
    refused, errors = [], []

    def save(n):
        try:
            start.wait()
            save_search(user=other_firm_user, organization=dflz, name=f"last{n}",
                        querystring=f"q=last{n}")
        except ValidationError as exc:
            refused.append(exc.code)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert refused == ["limit"] * (SWEEPS - 1)
    assert SavedSearch.objects.filter(user=other_firm_user).count() == SavedSearch.LIMIT

"""The links that carry their own credential (tracker.web.views.feeds): the one-click
unsubscribe page and the private calendar feed."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tracker.models import Contact, Milestone, Reminder, Subscription
from tracker.notifications import planning
from tracker.notifications.tokens import unsubscribe_token


@pytest.fixture
def contact(pilot_base):
    return Contact.objects.get(email="liugang-demo@example.com")


def url_for(reader):
    token = unsubscribe_token(Reminder.key_for(reader))
    return reverse("tracker:unsubscribe", args=[token])


def test_it_asks_before_unsubscribing_on_get(client, contact):
    response = client.get(url_for(contact))
    assert response.status_code == 200
    assert b'<form method="post">' in response.content
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None


def test_it_unsubscribes_once_on_post(client, contact):
    assert client.post(url_for(contact)).status_code == 200
    contact.refresh_from_db()
    first = contact.unsubscribed_at
    assert first is not None
    again = client.post(url_for(contact))
    assert again.status_code == 410
    assert b"liugang-demo@example.com" in again.content
    contact.refresh_from_db()
    assert contact.unsubscribed_at == first
    assert client.get(url_for(contact)).status_code == 410


def test_it_accepts_an_rfc_8058_post_without_a_csrf_token(contact):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url_for(contact), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Contact.objects.filter(pk=contact.pk, unsubscribed_at__isnull=False).exists()


def test_it_cancels_the_readers_pending_reminders(client, contact, pilot_base):
    seven_days_left = datetime.datetime(2025, 4, 13, 1, 30, tzinfo=datetime.timezone.utc)
    planning.plan(seven_days_left)
    assert Reminder.objects.filter(contact=contact, status="pending").count() == 1
    client.post(url_for(contact))
    assert Reminder.objects.get(contact=contact).status == "cancelled"


@pytest.mark.parametrize("token", ["forged", "YzE:1t0:abc", "not-even:a:token:at:all"])
def test_it_refuses_a_forged_token(client, contact, token):
    response = client.post(reverse("tracker:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert Contact.objects.get(pk=contact.pk).unsubscribed_at is None


def test_it_refuses_a_token_whose_reader_is_gone(client, contact):
    url = url_for(contact)
    contact.delete()
    assert client.get(url).status_code == 400


def test_it_unsubscribes_a_bureau_subscription(client, pilot_base):
    subscription = Subscription.objects.create(
        program=pilot_base, email="county@example.gov.cn", audience=Milestone.Audience.BUREAU
    )
    assert client.post(url_for(subscription)).status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def cache_directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_the_private_calendar_feed_is_never_stored_by_browsers_or_proxies(client, liugang):
    url = reverse("tracker:organization_calendar", args=[liugang.calendar_token])

    response = client.get(url)

    assert response.status_code == 200
    assert cache_directives(response) == {"private", "no-store"}


def test_every_unsubscribe_page_is_never_stored_by_browsers_or_proxies(client, contact):
    url = url_for(contact)
    pages = [
        client.get(url),  # asks first
        client.post(url),  # done
        client.post(url),  # already used
        client.get(reverse("tracker:unsubscribe", args=["forged"])),  # not valid
    ]

    assert [page.status_code for page in pages] == [200, 200, 410, 400]
    for page in pages:
        assert cache_directives(page) == {"private", "no-store"}

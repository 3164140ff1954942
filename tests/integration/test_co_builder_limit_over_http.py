"""The co-builder limit under concurrency, through the path users take: eight members of one
firm submit the co-builder form at the same moment to a multi-process web server."""

import http.client
import threading
import urllib.parse

import pytest
from django.test import Client

from tracker.models import Application, CoBuilder, Membership, Organization, OrganizationKind
from tracker.services.applications import add_co_builder

pytestmark = pytest.mark.integration

MEMBERS = 8
# Django accepts a CSRF token equal to the (unmasked) secret in the cookie.
CSRF_SECRET = "k" * 32


def signed_in_member(django_user_model, organization, n):
    """A member of `organization` with a session in the database: its session cookie."""
    user = django_user_model.objects.create_user(f"member{n}", f"member{n}@example.com", "pw")
    Membership.objects.create(user=user, organization=organization)
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def post_form(url, path, session, data):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(
            "POST",
            path,
            body=urllib.parse.urlencode(data),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={session}; csrftoken={CSRF_SECRET}",
                "X-CSRFToken": CSRF_SECRET,
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_eight_members_adding_at_once_never_pass_the_limit_of_5(
    seeded, django_user_model, web_server
):
    lead = Organization.objects.get(name_zh="柳钢集团")
    application = Application.objects.get(organization=lead)
    # The seed has two partners; with two more, one place is left under the limit of 5.
    for n in range(2):
        add_co_builder(application, Organization.objects.create(
            name_zh=f"已有伙伴{n}", kind=OrganizationKind.UNIVERSITY
        ))
    partners = [
        Organization.objects.create(name_zh=f"并发伙伴{n}", kind=OrganizationKind.UNIVERSITY)
        for n in range(MEMBERS)
    ]
    sessions = [signed_in_member(django_user_model, lead, n) for n in range(MEMBERS)]
    url = web_server(workers=4)
    path = f"/my/applications/{application.pk}/co-builders/"
    # Warm every worker up, so that the requests below really arrive together.
    for session in sessions:
        assert post_form(url, path, session, {"partner": ""}) == 302

    barrier = threading.Barrier(MEMBERS)
    statuses = []

    def submit(session, partner):
        barrier.wait(timeout=30)
        statuses.append(post_form(url, path, session, {"partner": partner.name_zh}))

    threads = [
        threading.Thread(target=submit, args=pair)
        for pair in zip(sessions, partners, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert statuses == [302] * MEMBERS  # each member is sent back to the dashboard, no 500
    assert CoBuilder.objects.filter(application=application).count() == 5
    added = CoBuilder.objects.filter(application=application, organization__in=partners)
    assert added.count() == 1

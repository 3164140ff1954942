"""The Content-Security-Policy header (django-csp, configured in config/settings.py), on the
site's pages and the admin's, and the pages' markup staying within it."""

import re

import pytest
from django.urls import reverse

from tracker.models import Application, Contact, Reminder
from tracker.notifications.tokens import unsubscribe_token

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def policy_of(response):
    """The header's directives, {name: [sources]}, with a nonce source set apart."""
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    nonces = [s for s in directives.get("script-src", []) if s.startswith("'nonce-")]
    directives["script-src"] = [s for s in directives["script-src"] if s not in nonces]
    return directives, nonces


def assert_nothing_inline_escapes_the_policy(response):
    """Every script is a file or carries the header's nonce; no inline handler, javascript:
    link or style attribute, which the policy would block."""
    html = response.content.decode()
    _policy, nonces = policy_of(response)
    for attributes in re.findall(r"<script\b([^>]*)>", html):
        if "src=" in attributes or 'type="application/json"' in attributes:
            continue
        [nonce] = re.findall(r'nonce="([^"]+)"', attributes)
        assert f"'nonce-{nonce}'" in nonces
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "an inline event handler"
    assert not re.search(r"<[^>]+\sstyle\s*=", html), "a style attribute"
    assert "<style" not in html
    assert "javascript:" not in html


@pytest.fixture
def firm(client, firm_user):
    client.force_login(firm_user)
    return client


def test_the_program_list_carries_the_strict_policy(client, seeded):
    response = client.get("/programs/")

    assert response.status_code == 200
    assert policy_of(response)[0] == POLICY
    assert_nothing_inline_escapes_the_policy(response)


def test_the_self_check_carries_the_strict_policy(client, seeded):
    response = client.get("/check/", {"kind": "enterprise"})

    assert response.status_code == 200
    assert policy_of(response)[0] == POLICY
    assert_nothing_inline_escapes_the_policy(response)


def test_the_firms_dashboard_and_application_page_carry_the_strict_policy(firm, liugang):
    application = Application.objects.filter(organization=liugang).first()

    for url in ["/my/", f"/my/applications/{application.pk}/"]:
        response = firm.get(url)
        assert response.status_code == 200
        assert policy_of(response)[0] == POLICY
        assert_nothing_inline_escapes_the_policy(response)


def test_the_program_page_and_the_login_page_carry_the_strict_policy(client, pilot_base):
    for url in [f"/programs/{pilot_base.slug}/", "/accounts/login/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert policy_of(response)[0] == POLICY
        assert_nothing_inline_escapes_the_policy(response)


def test_the_unsubscribe_page_carries_the_strict_policy(client, pilot_base):
    contact = Contact.objects.get(email="liugang-demo@example.com")
    url = reverse("tracker:unsubscribe", args=[unsubscribe_token(Reminder.key_for(contact))])

    response = client.get(url)

    assert response.status_code == 200
    assert policy_of(response)[0] == POLICY
    assert_nothing_inline_escapes_the_policy(response)


def test_the_admin_login_carries_the_strict_policy(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert policy_of(response)[0] == POLICY
    assert_nothing_inline_escapes_the_policy(response)


def test_the_admins_program_pages_stay_within_the_policy(admin_client, pilot_base):
    for url in [
        reverse("admin:index"),
        reverse("admin:tracker_program_changelist"),
        reverse("admin:tracker_program_change", args=[pilot_base.pk]),
        reverse("admin:tracker_program_add"),
        reverse("admin:tracker_program_paste_notice"),
        reverse("admin:tracker_organization_add"),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert policy_of(response)[0] == POLICY, url
        assert_nothing_inline_escapes_the_policy(response)


def test_the_export_page_binds_select_all_from_a_file_instead_of_an_inline_handler(
    admin_client, seeded
):
    response = admin_client.get(reverse("admin:tracker_program_export"))

    assert response.status_code == 200
    assert policy_of(response)[0] == POLICY
    assert_nothing_inline_escapes_the_policy(response)
    html = response.content.decode()
    assert 'class="select-toggle"' in html
    assert "tracker/admin-export.js" in html


def test_a_page_without_an_inline_script_sends_no_nonce(client, seeded):
    assert policy_of(client.get("/programs/"))[1] == []

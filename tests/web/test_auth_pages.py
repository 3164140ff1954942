"""Sign-up, login, logout, password reset and email change (django-allauth) through HTTP."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings

from tracker.models import Membership

PASSWORD = "a-Long-new-pass-2025"


def link_in(message):
    return re.search(r"https?://[^/\s]+(/accounts/\S+)", message.body).group(1)


def sign_up(client, email="new@example.com"):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def log_in(client, login, password=PASSWORD, follow=False, **extra):
    data = {"login": login, "password": password, **extra}
    return client.post("/accounts/login/", data, follow=follow)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_login_page_uses_our_layout_and_logs_a_firm_in(english_client, firm_user):
    page = english_client.get("/accounts/login/?next=/my/")
    response = log_in(english_client, "liugang@example.com", "pw", next="/my/")

    html = page.content.decode()
    assert 'class="site"' in html  # our header, from base.html
    assert 'class="stacked card"' in html
    assert "Forgot your password?" in html
    assert 'name="next" value="/my/"' in html
    assert response.status_code == 302
    assert response.url == "/my/"


def test_the_login_page_is_chinese_unless_the_reader_chose_english(client, db):
    html = client.get("/accounts/login/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert "登录" in html


def test_the_login_address_is_compared_without_case(english_client, firm_user):
    log_in(english_client, "LiuGang@Example.com", "pw")

    assert logged_in(english_client)


def test_a_wrong_password_is_an_error_on_the_page(english_client, firm_user):
    response = log_in(english_client, "liugang@example.com", "x")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not logged_in(english_client)


def test_a_sign_up_mails_a_verification_link_that_verifies_the_address_and_allows_login(
    english_client, db, mailoutbox, django_user_model
):
    response = sign_up(english_client)

    assert response.status_code == 302
    assert not logged_in(english_client)
    [message] = mailoutbox
    assert message.to == ["new@example.com"]
    confirm_page = english_client.get(link_in(message))
    assert confirm_page.status_code == 200
    # The link alone confirms nothing (mail scanners follow links): the page's button does.
    assert not EmailAddress.objects.get(email="new@example.com").verified
    english_client.post(link_in(message))
    assert EmailAddress.objects.get(email="new@example.com").verified
    english_client.logout()
    assert log_in(english_client, "new@example.com").url == "/"
    assert logged_in(english_client)
    assert not django_user_model.objects.get(email="new@example.com").is_staff


def test_a_login_before_the_address_is_verified_is_refused(english_client, db, mailoutbox):
    sign_up(english_client)
    mailoutbox.clear()

    response = log_in(english_client, "new@example.com", follow=True)

    assert not logged_in(english_client)
    assert "Verify Your Email Address" in response.content.decode()
    # allauth sends a fresh link rather than leaving the firm stuck.
    assert [m.to for m in mailoutbox] == [["new@example.com"]]


def test_an_address_already_taken_gives_no_second_account(
    english_client, firm_user, django_user_model
):
    sign_up(english_client, "liugang@example.com")

    assert django_user_model.objects.filter(email__iexact="liugang@example.com").count() == 1


def test_logout_is_a_post_and_returns_to_the_site(english_client, firm_user):
    english_client.force_login(firm_user)

    response = english_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/"
    assert english_client.get("/my/").status_code == 302


def test_a_firm_page_sends_a_visitor_to_the_login_page(english_client, db):
    response = english_client.get("/my/")

    assert response.url == "/accounts/login/?next=/my/"


def test_password_reset_mails_a_link_that_lets_the_firm_choose_a_new_password(
    english_client, firm_user, mailoutbox
):
    english_client.post("/accounts/password/reset/", {"email": "liugang@example.com"})

    [message] = mailoutbox
    form_page = english_client.get(link_in(message), follow=True)
    english_client.post(
        form_page.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD}
    )
    firm_user.refresh_from_db()
    assert firm_user.check_password(PASSWORD)
    assert log_in(english_client, "liugang@example.com").status_code == 302
    assert logged_in(english_client)


def test_a_new_email_address_replaces_the_old_one_only_once_verified(
    english_client, firm_user, mailoutbox
):
    english_client.force_login(firm_user)

    page = english_client.get("/accounts/email/")
    english_client.post("/accounts/email/", {"action_add": "", "email": "new@liugang.example"})

    assert page.status_code == 200
    [message] = mailoutbox
    assert message.to == ["new@liugang.example"]
    firm_user.refresh_from_db()
    assert firm_user.email == "liugang@example.com"
    english_client.post(link_in(message))
    firm_user.refresh_from_db()
    assert firm_user.email == "new@liugang.example"
    assert list(EmailAddress.objects.filter(user=firm_user).values_list("email", flat=True)) == [
        "new@liugang.example"
    ]


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_the_login_locks_out_after_axes_failure_limit_failures(english_client, firm_user):
    for _ in range(5):
        log_in(english_client, "liugang@example.com", "wrong")

    # Another spelling of the same address shares the count.
    response = log_in(english_client, "LIUGANG@example.com", "pw")

    assert response.status_code == 429
    assert not logged_in(english_client)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_success_before_the_limit_resets_the_count(english_client, firm_user):
    for _ in range(4):
        log_in(english_client, "liugang@example.com", "wrong")
    log_in(english_client, "liugang@example.com", "pw")
    english_client.post("/accounts/logout/")
    for _ in range(4):
        log_in(english_client, "liugang@example.com", "wrong")

    log_in(english_client, "liugang@example.com", "pw")

    assert logged_in(english_client)


def test_the_creator_of_an_account_belongs_to_no_organization_yet(english_client, db, mailoutbox):
    sign_up(english_client)

    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    "url", ["/accounts/signup/", "/accounts/password/reset/", "/accounts/login/"]
)
def test_every_entrance_page_is_in_the_sites_layout_and_in_chinese_first(client, db, url):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert '<header class="site">' in html
    assert 'class="stacked card"' in html


@pytest.mark.parametrize("url", ["/accounts/email/", "/accounts/password/change/"])
def test_the_account_pages_of_a_logged_in_firm_are_in_the_sites_layout(
    english_client, firm_user, url
):
    english_client.force_login(firm_user)

    response = english_client.get(url)

    assert response.status_code == 200
    assert '<header class="site">' in response.content.decode()

import re


def test_the_login_page_uses_our_layout_and_logs_a_firm_in(english_client, firm_user):
    page = english_client.get("/accounts/login/?next=/my/")
    response = english_client.post(
        "/accounts/login/", {"username": "liugang", "password": "pw", "next": "/my/"}
    )

    assert "Forgotten your password?" in page.content.decode()
    assert 'name="next" value="/my/"' in page.content.decode()
    assert response.status_code == 302
    assert response.url == "/my/"


def test_a_wrong_password_is_an_error_on_the_page(english_client, firm_user):
    response = english_client.post("/accounts/login/", {"username": "liugang", "password": "x"})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_logout_is_a_post_and_returns_to_the_site(english_client, firm_user):
    english_client.force_login(firm_user)

    response = english_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert english_client.get("/my/").status_code == 302


def test_password_reset_mails_a_link_that_lets_the_firm_choose_a_new_password(
    english_client, firm_user, mailoutbox
):
    english_client.post("/accounts/password_reset/", {"email": "liugang@example.com"})

    [message] = mailoutbox
    assert "“liugang”" in message.body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = english_client.get(link, follow=True)
    english_client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-Long-new-pass-2025", "new_password2": "a-Long-new-pass-2025"},
    )
    firm_user.refresh_from_db()
    assert firm_user.check_password("a-Long-new-pass-2025")

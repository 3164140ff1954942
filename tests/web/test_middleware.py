import pytest
from django.urls import reverse


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "fr", ""])
def test_pages_are_chinese_whatever_the_browser_asks(admin_client, accept):
    response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response["Content-Language"] == "zh-hans"


def test_the_language_switch_turns_pages_english(admin_client):
    admin_client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    response = admin_client.get(reverse("admin:index"))
    assert response["Content-Language"] == "en"


def test_an_unknown_language_cookie_falls_back_to_chinese(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = admin_client.get(reverse("admin:index"))
    assert response["Content-Language"] == "zh-hans"

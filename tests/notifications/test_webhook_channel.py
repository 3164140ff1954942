"""The webhook channel's pieces: DingTalk's signed URL, the robots' message formats and the
address check that keeps the server from calling arbitrary addresses."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from tracker.models import validate_webhook_url
from tracker.notifications.channels.webhook import MARKDOWN_LIMIT, Message, payload, signed_url

DING = "https://oapi.dingtalk.com/robot/send?access_token=abc"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"


def test_the_dingtalk_signature_survives_url_decoding_with_plus_and_slash():
    # At this timestamp the base64 signature holds both "+" and "/", which must be escaped:
    # a bare "+" would reach DingTalk as a space.
    url = signed_url(DING, "SECtest-secret", timestamp_ms=1700000000004)
    query = parse_qs(urlsplit(url).query)
    assert query["timestamp"] == ["1700000000004"]
    assert query["sign"] == ["QoTeoLX0GS/n4SXI2eHeDOjG3hApCWkc0m+XGixSz+A="]
    assert query["access_token"] == ["abc"]


def test_wecom_gets_the_title_in_bold_and_dingtalk_gets_it_as_its_own_field():
    message = Message("标题", "正文", "https://example.org/my/applications/1/")
    wecom = payload("wecom", message)
    assert wecom == {"msgtype": "markdown", "markdown": {"content": (
        "**标题**\n\n正文\n\n[https://example.org/my/applications/1/]"
        "(https://example.org/my/applications/1/)"
    )}}
    ding = payload("dingtalk", message)
    assert ding["markdown"]["title"] == "标题"
    assert ding["markdown"]["text"].startswith("### 标题\n\n正文")


def test_a_long_text_is_cut_to_the_robots_limit_but_keeps_its_link():
    message = Message("标题", "很长" * 3000, "https://example.org/x/")
    content = payload("wecom", message)["markdown"]["content"]
    assert len(content.encode()) <= MARKDOWN_LIMIT
    assert content.endswith("[https://example.org/x/](https://example.org/x/)")
    assert "…" in content


@pytest.mark.parametrize(("kind", "url"), [("wecom", WECOM), ("dingtalk", DING)])
def test_the_robots_own_addresses_are_accepted(settings, kind, url):
    settings.WEBHOOK_EXTRA_HOSTS, settings.WEBHOOK_REQUIRE_HTTPS = [], True
    validate_webhook_url(kind, url)


@pytest.mark.parametrize(
    "url",
    [
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",  # plain http
        "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=k",
        "https://evil.example/cgi-bin/webhook/send?key=k",
        "https://qyapi.weixin.qq.com@169.254.169.254/cgi-bin/webhook/send?key=k",
        "https://user@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key=k",
        "https://qyapi.weixin.qq.com/cgi-bin/other?key=k",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=",
        "https://127.0.0.1/cgi-bin/webhook/send?key=k",
        "https://[::1]/cgi-bin/webhook/send?key=k",
        "https://qyapi.weixin.qq.com:99999/cgi-bin/webhook/send?key=k",
        "file:///etc/passwd",
        "garbage",
        "",
    ],
)
def test_any_other_address_is_refused_on_the_url_field(settings, url):
    settings.WEBHOOK_EXTRA_HOSTS, settings.WEBHOOK_REQUIRE_HTTPS = [], True
    with pytest.raises(ValidationError) as raised:
        validate_webhook_url("wecom", url)
    assert list(raised.value.error_dict) == ["url"]


def test_a_dingtalk_address_is_not_a_wecom_robot(settings):
    settings.WEBHOOK_EXTRA_HOSTS, settings.WEBHOOK_REQUIRE_HTTPS = [], True
    with pytest.raises(ValidationError):
        validate_webhook_url("wecom", DING)

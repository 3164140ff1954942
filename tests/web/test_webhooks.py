"""The group-robot page beside the team page: /my/organizations/<pk>/robots/."""

import pytest

from tracker.models import Membership, Organization, Webhook

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DING = "https://oapi.dingtalk.com/robot/send?access_token=0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture
def owner(client, firm_user):
    client.force_login(firm_user)
    return firm_user


@pytest.fixture
def liugang_pk(liugang):
    return liugang.pk


@pytest.fixture
def production_hosts(settings):
    """As deployed: the robots' own hosts only, https only."""
    settings.WEBHOOK_EXTRA_HOSTS, settings.WEBHOOK_REQUIRE_HTTPS = [], True


def add(client, pk, **fields):
    data = {"kind": "wecom", "name": "申报群", "url": WECOM, "secret": "",
            "language": "zh-hans", **fields}
    return client.post(f"/my/organizations/{pk}/robots/", data)


def test_the_team_page_links_to_the_robots(client, owner, liugang_pk):
    page = client.get(f"/my/organizations/{liugang_pk}/").content.decode()
    assert f'href="/my/organizations/{liugang_pk}/robots/"' in page


def test_an_owner_adds_a_dingtalk_robot_and_its_secret_is_never_shown_in_full(
    client, owner, liugang_pk, production_hosts
):
    secret = "SEC4d3c2b1a0f9e8d7c6b5a49382716051a2b3c4d5e6f"
    response = add(client, liugang_pk, kind="dingtalk", url=DING, secret=secret)
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    assert (webhook.kind, webhook.secret, webhook.enabled) == ("dingtalk", secret, True)
    page = client.get(f"/my/organizations/{liugang_pk}/robots/").content.decode()
    assert "申报群" in page
    assert secret not in page and secret[:-4] not in page
    assert "0f1e2d3c4b5a69788796a5b4c3d2e1f0" not in page  # the token is the credential too
    assert "…5e6f" in page and "…e1f0" in page  # the last four characters only


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
         "Webhook 地址必须以 https:// 开头。"),
        ("https://10.0.0.8/cgi-bin/webhook/send?key=k",
         "Webhook 地址必须位于机器人的官方服务器qyapi.weixin.qq.com。"),
        ("https://metadata.google.internal.qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=k",
         "Webhook 地址必须位于机器人的官方服务器qyapi.weixin.qq.com。"),
        ("随便写的", "Webhook 地址不是有效的网址。"),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
         "请从机器人设置中复制完整的 Webhook 地址，格式为"
         "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…。"),
    ],
)
def test_a_bad_address_gets_a_chinese_error_on_the_field_and_nothing_is_saved(
    client, owner, liugang_pk, production_hosts, url, message
):
    response = add(client, liugang_pk, url=url)
    assert response.status_code == 400
    assert message in response.context["form"].errors["url"]
    page = response.content.decode()
    assert "Webhook 地址" in page and message in page
    assert not Webhook.objects.exists()


def test_a_bad_address_gets_an_english_error_for_an_english_reader(
    english_client, firm_user, liugang_pk, production_hosts
):
    english_client.force_login(firm_user)
    response = add(english_client, liugang_pk, url="http://qyapi.weixin.qq.com/x?key=k")
    errors = response.context["form"].errors["url"]
    assert "The webhook address must start with https://." in errors


def test_a_secret_for_a_wecom_robot_is_refused_on_the_secret_field(
    client, owner, liugang_pk, production_hosts
):
    response = add(client, liugang_pk, secret="SECabc")
    assert response.context["form"].errors["secret"] == ["只有钉钉机器人使用加签，请留空。"]


def test_the_same_robot_twice_is_refused_on_the_url_field(
    client, owner, liugang_pk, production_hosts
):
    add(client, liugang_pk)
    response = add(client, liugang_pk)
    assert response.context["form"].errors["url"] == ["本单位已添加过这个机器人。"]
    assert Webhook.objects.count() == 1


def test_an_address_over_the_limit_is_refused_naming_the_limit(client, owner, liugang_pk):
    response = add(client, liugang_pk, url=WECOM + "x" * 500)
    assert response.status_code == 400
    assert "500" in response.context["form"].errors["url"][0]


def test_another_organizations_member_gets_404_for_the_page_and_every_action(
    client, other_firm_user, liugang, production_hosts
):
    webhook = Webhook.objects.create(organization=liugang, kind="wecom", url=WECOM)
    client.force_login(other_firm_user)
    base = f"/my/organizations/{liugang.pk}/robots/"
    assert client.get(base).status_code == 404
    assert add(client, liugang.pk).status_code == 404
    for action in ("enable", "disable", "remove", "test"):
        assert client.post(f"{base}{webhook.pk}/{action}/").status_code == 404
    assert Webhook.objects.filter(enabled=True).count() == 1


def test_a_robot_of_another_organization_is_404_under_ones_own(
    client, owner, liugang, production_hosts
):
    other = Organization.objects.get(name_zh="东风柳汽")
    webhook = Webhook.objects.create(organization=other, kind="wecom", url=WECOM)
    response = client.post(f"/my/organizations/{liugang.pk}/robots/{webhook.pk}/remove/")
    assert response.status_code == 404
    assert Webhook.objects.filter(pk=webhook.pk).exists()


def test_a_member_who_is_not_an_owner_sees_the_robots_but_cannot_change_them(
    client, firm_user, liugang, django_user_model, production_hosts
):
    webhook = Webhook.objects.create(organization=liugang, kind="wecom", url=WECOM, name="申报群")
    member = django_user_model.objects.create_user("member", "member@example.com", "pw")
    Membership.objects.create(user=member, organization=liugang)
    client.force_login(member)
    page = client.get(f"/my/organizations/{liugang.pk}/robots/").content.decode()
    assert "申报群" in page and "发送测试消息" not in page
    response = client.post(
        f"/my/organizations/{liugang.pk}/robots/{webhook.pk}/disable/", follow=True
    )
    assert "只有柳钢集团的负责人可以执行此操作。" in response.content.decode()
    assert Webhook.objects.get().enabled
    response = client.post(
        f"/my/organizations/{liugang.pk}/robots/",
        {"kind": "wecom", "url": WECOM + "2", "language": "zh-hans"}, follow=True,
    )
    assert "只有柳钢集团的负责人可以执行此操作。" in response.content.decode()
    assert Webhook.objects.count() == 1


def test_an_owner_switches_a_robot_off_and_on_and_removes_it(client, owner, liugang):
    webhook = Webhook.objects.create(organization=liugang, kind="wecom", url=WECOM)
    base = f"/my/organizations/{liugang.pk}/robots/{webhook.pk}"
    client.post(f"{base}/disable/")
    assert not Webhook.objects.get().enabled
    client.post(f"{base}/enable/")
    assert Webhook.objects.get().enabled
    client.post(f"{base}/remove/")
    assert not Webhook.objects.exists()


def test_the_test_button_posts_to_the_robot_and_says_so(client, owner, liugang, robot_server):
    robots = robot_server()
    webhook = Webhook.objects.create(
        organization=liugang, kind="wecom", url=robots.url("wecom", "k")
    )
    response = client.post(
        f"/my/organizations/{liugang.pk}/robots/{webhook.pk}/test/", follow=True
    )
    assert "已向企业微信群机器人发送测试消息，请到群里查看。" in response.content.decode()
    [body] = robots.bodies()
    assert body["markdown"]["content"].startswith("**政策申报提醒：测试消息**")


def test_a_robot_that_refuses_the_test_says_why_without_an_error_page(
    client, owner, liugang, robot_server
):
    robots = robot_server()
    webhook = Webhook.objects.create(
        organization=liugang, kind="wecom", url=robots.url("wecom", "revoked")
    )
    response = client.post(
        f"/my/organizations/{liugang.pk}/robots/{webhook.pk}/test/", follow=True
    )
    assert response.status_code == 200
    assert "机器人拒收了消息：errcode 93000" in response.content.decode()


def test_the_robots_page_is_private(client, owner, liugang_pk):
    response = client.get(f"/my/organizations/{liugang_pk}/robots/")
    assert "no-store" in response["Cache-Control"]

"""An administrator's save of a program tells the firms it affects, through the admin pages."""

import pytest
from django.core import mail

from tests.admin.test_program_tools import edit
from tracker.models import (
    AlertDelivery,
    AlertKind,
    AlertMessage,
    AlertPreference,
    Application,
    CoBuilder,
    Membership,
    Organization,
    OrganizationKind,
)
from tracker.notifications import alerts


@pytest.fixture
def five_partners(pilot_base, django_user_model, call_open):
    """丙公司 tracks the call with 5 co-building units, the limit; its member reads Chinese."""
    firm = Organization.objects.create(name_zh="丙公司", kind=OrganizationKind.ENTERPRISE)
    application = Application.objects.create(organization=firm, program=pilot_base)
    for i in range(5):
        partner = Organization.objects.create(name_zh=f"丙伙伴{i}", kind="university")
        CoBuilder.objects.create(application=application, organization=partner)
    member = django_user_model.objects.create_user("bing", "bing@example.com", "pw")
    Membership.objects.create(user=member, organization=firm)
    return application


def verdict_changes():
    return AlertMessage.objects.filter(kind=AlertKind.VERDICT_CHANGE)


def test_a_lower_limit_tells_the_firm_over_it_the_rule_and_the_fix(
    admin_client, pilot_base, five_partners, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = edit(admin_client, pilot_base, max_co_builders="3", _confirm_impact="1")
    assert response.status_code == 302
    assert len(queued) == 1  # the alerts' sweep, once the save commits

    [message] = verdict_changes()
    assert (message.organization.name_zh, message.application, message.verdict) == (
        "丙公司", five_partners, "not_eligible"
    )
    assert alerts.sweep()["sent"] == 1
    [sent] = mail.outbox
    assert sent.to == ["bing@example.com"]
    assert sent.subject == "中试基地的判定结果已变化：不符合申报条件"
    assert "联合共建单位上限由5家改为3家；贵单位现有5家，请于4月20日前减少2家。" in sent.body
    assert f"/my/applications/{five_partners.pk}/" in sent.body
    assert AlertDelivery.objects.filter(channel="in_app", user__username="bing").count() == 1


def test_saving_the_same_rules_again_tells_nobody_twice(
    admin_client, pilot_base, five_partners
):
    edit(admin_client, pilot_base, max_co_builders="3", _confirm_impact="1")
    edit(admin_client, pilot_base, summary_en="Shorter.")
    alerts.sweep()
    alerts.sweep()
    assert verdict_changes().count() == 1
    assert len(mail.outbox) == 1


def test_a_firm_whose_verdict_stays_is_not_told(admin_client, pilot_base, five_partners):
    edit(admin_client, pilot_base, max_co_builders="6", _confirm_impact="1")
    assert not verdict_changes().exists()


def test_a_member_who_turned_verdict_changes_off_gets_nothing(
    admin_client, pilot_base, five_partners
):
    AlertPreference.objects.create(
        user=Membership.objects.get(organization__name_zh="丙公司").user,
        kind=AlertKind.VERDICT_CHANGE, frequency="off",
    )
    edit(admin_client, pilot_base, max_co_builders="3", _confirm_impact="1")
    alerts.sweep()
    assert verdict_changes().count() == 1
    assert not AlertDelivery.objects.exists()
    assert mail.outbox == []

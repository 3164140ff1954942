"""Matching a published program to every organization's profile, and who is told how."""

import pytest
import time_machine
from django.core import mail

from tests.factories import opt_in
from tracker.eligibility import Profile, evaluate, load_rule_lists, rules
from tracker.models import (
    AlertChannel,
    AlertDelivery,
    AlertKind,
    AlertMessage,
    AlertPreference,
    Contact,
    Membership,
    Organization,
    OrganizationKind,
    Program,
    Region,
    Sector,
)
from tracker.notifications import alerts


@pytest.fixture
def dflz(seeded):
    """东风柳汽: an enterprise in Liuzhou (new energy) that tracks nothing."""
    return Organization.objects.get(name_zh="东风柳汽")


@pytest.fixture
def opted_in(other_firm_user):
    """东风柳汽's member asked to hear of new matching programs."""
    opt_in(other_firm_user)
    return other_firm_user


def new_matches(**filters):
    return AlertMessage.objects.filter(kind=AlertKind.NEW_MATCH, **filters)


def test_a_published_program_tells_a_matching_firm_once_when_run_twice(
    pilot_base, dflz, opted_in, call_open
):
    first = alerts.sweep()
    second = alerts.sweep()

    assert (first["planned"], first["sent"]) == (1, 1)
    assert (second["planned"], second["sent"]) == (0, 0)
    [message] = new_matches(program=pilot_base)
    # 柳钢集团 tracks the program (it hears of changed verdicts instead); the universities
    # lie outside Guangxi and nobody has joined them.
    assert message.organization == dflz
    assert (message.verdict, message.version) == ("incomplete", 1)
    [sent] = mail.outbox
    assert sent.to == ["dflz@example.com"]
    assert sent.subject == "可能适合贵单位的项目：中试基地"
    assert "东风柳汽符合2025年广西科技成果转化中试研究基地认定" in sent.body
    assert "2025年4月20日（北京时间）" in sent.body
    assert "/programs/guangxi-pilot-base-2025/" in sent.body
    channels = AlertDelivery.objects.filter(user=opted_in).values_list("channel", "status")
    assert sorted(channels) == [("email", "sent"), ("in_app", "sent")]


def test_the_mail_is_in_the_language_of_the_members_reminder_settings(
    pilot_base, dflz, opted_in, call_open
):
    Contact.objects.create(organization=dflz, user=opted_in, email=opted_in.email, language="en")
    alerts.sweep()
    [sent] = mail.outbox
    assert sent.subject == "A program that may suit you: Pilot base"
    assert "April 20, 2025 (Beijing time), that day included." in sent.body


def test_without_opting_in_a_member_gets_nothing(pilot_base, dflz, other_firm_user, call_open):
    alerts.sweep()
    assert new_matches(organization=dflz).count() == 1
    assert not AlertDelivery.objects.exists()
    assert mail.outbox == []


def test_a_preference_turned_off_sends_nothing_on_any_channel(
    pilot_base, dflz, opted_in, call_open
):
    AlertPreference.objects.filter(user=opted_in).update(frequency="off")
    alerts.sweep()
    assert not AlertDelivery.objects.exists()
    assert mail.outbox == []


def test_a_change_of_the_rules_tells_firms_that_match_only_now_and_nobody_twice(
    pilot_base, dflz, opted_in, django_user_model, call_open
):
    alerts.sweep()
    # A firm in Guilin, and the call narrowed to Guilin: 东风柳汽 (Liuzhou) no longer matches.
    guilin_firm = Organization.objects.create(
        name_zh="桂林某企业", kind=OrganizationKind.ENTERPRISE,
        region=Region.objects.get(code="450300"),
    )
    member = django_user_model.objects.create_user("guilin", "guilin@example.com", "pw")
    Membership.objects.create(user=member, organization=guilin_firm)
    opt_in(member)
    alerts.sweep()
    assert new_matches(organization=guilin_firm).count() == 0  # told only after a change
    pilot_base.regions.set([Region.objects.get(code="450300")])

    assert alerts.sweep()["planned"] == 1
    assert alerts.sweep()["planned"] == 0
    pilot_base.refresh_from_db()
    assert pilot_base.alert_version == 2
    assert list(new_matches(version=2).values_list("organization__name_zh", flat=True)) == [
        "桂林某企业"
    ]
    assert new_matches(organization=dflz).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["dflz@example.com", "guilin@example.com"]


def test_a_firm_told_once_is_not_told_again_when_it_still_matches_after_a_change(
    pilot_base, dflz, opted_in, call_open
):
    alerts.sweep()
    pilot_base.max_co_builders = 3
    pilot_base.save()
    alerts.sweep()
    assert new_matches(organization=dflz).count() == 1
    assert len(mail.outbox) == 1


def test_a_clause_reworded_is_no_new_version(pilot_base, dflz, opted_in, call_open):
    alerts.sweep()
    pilot_base.region_clause += "（以正式通知为准）"
    pilot_base.save()
    assert alerts.sweep()["planned"] == 0
    pilot_base.refresh_from_db()
    assert pilot_base.alert_version == 1


def test_an_unpublished_or_closed_program_tells_nobody(pilot_base, dflz, opted_in, call_open):
    Program.objects.filter(pk=pilot_base.pk).update(is_published=False)
    assert alerts.sweep()["planned"] == 0
    Program.objects.filter(pk=pilot_base.pk).update(is_published=True)
    with time_machine.travel("2025-04-21 12:00 +0800", tick=False):
        assert alerts.sweep()["planned"] == 0


def make_firms(count, region, sector):
    firms = Organization.objects.bulk_create(
        Organization(name_zh=f"测试企业{n}", kind=OrganizationKind.ENTERPRISE, region=region,
                     calendar_token=f"token-{n}")
        for n in range(count)
    )
    Organization.sectors.through.objects.bulk_create(
        Organization.sectors.through(organization=firm, sector=sector) for firm in firms
    )
    return firms


@pytest.mark.parametrize("count", [1, 40])
def test_planning_costs_a_fixed_number_of_queries_whatever_the_number_of_firms(
    pilot_base, django_user_model, count, call_open, django_assert_num_queries
):
    firms = make_firms(count, Region.objects.get(code="450205"), Sector.objects.first())
    users = django_user_model.objects.bulk_create(
        django_user_model(username=f"u{n}", email=f"u{n}@example.com") for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=f) for u, f in zip(users, firms, strict=True)
    )
    AlertPreference.objects.bulk_create(
        AlertPreference(user=u, kind=AlertKind.NEW_MATCH, frequency="immediate") for u in users
    )
    # The programs and their rule lists (11, three of them the rules entered as rows:
    # thresholds, qualifications, conditions to confirm), the new version, the messages, two
    # kinds of deliveries, the planned version, and the transaction's savepoint in the test;
    # then the group robots' deliveries (one INSERT … SELECT for every organization's robots)
    # and the saved searches to match the new version against (none here: one query).
    with django_assert_num_queries(19):
        assert alerts.match_changed() == count
    assert AlertDelivery.objects.filter(channel=AlertChannel.EMAIL).count() == count


PROFILES = [
    # (kind, region code, sector codes, partner kinds)
    ("enterprise", "450205", ["new-materials"], ["university"]),
    ("enterprise", "450205", [], None),
    ("university", None, ["automotive-parts"], []),
    ("", "110000", ["new-energy"], None),
    ("research_institute", "450300", [], ["enterprise"]),
    ("other", "450000", ["automotive-parts"], ["other"]),
]


@pytest.mark.parametrize("required", [False, True])
@pytest.mark.parametrize("in_python", [False, True])
def test_the_sql_matching_agrees_with_the_rules_run_in_python(
    pilot_base, django_user_model, monkeypatch, required, in_python, call_open
):
    """Every profile gets the verdict evaluate() gives it; with the region rule left to
    Python (as a rule that cannot be said in SQL would be), the same again."""
    if in_python:
        monkeypatch.setattr(rules.RegionRule, "organizations", lambda self, p, today: None)
    if required:
        pilot_base.sector_policy = Program.SectorPolicy.REQUIRED
    pilot_base.eligible_kinds = ["enterprise", "university", "research_institute"]
    pilot_base.save()
    expected = {}
    for n, (kind, code, sectors, partner_kinds) in enumerate(PROFILES):
        firm = Organization.objects.create(
            name_zh=f"画像{n}", kind=kind, partner_kinds=partner_kinds,
            region=Region.objects.get(code=code) if code else None,
        )
        firm.sectors.set(Sector.objects.filter(code__in=sectors))
        Membership.objects.create(
            user=django_user_model.objects.create_user(f"p{n}"), organization=firm
        )
        [program] = load_rule_lists([Program.objects.get(pk=pilot_base.pk)])
        expected[firm.pk] = evaluate(Profile.for_organization(firm), program).summary
    alerts.match_changed()
    told = dict(new_matches().values_list("organization", "verdict"))
    assert told == {pk: verdict for pk, verdict in expected.items() if verdict != "not_eligible"}
    assert set(expected.values()) >= {"incomplete", "not_eligible"}

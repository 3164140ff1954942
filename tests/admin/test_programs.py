import datetime

import pytest
import time_machine
from django.urls import reverse

from tracker.models import Application, Organization, OrganizationKind, Program
from tracker.services.programs import clone_as_next_edition

SHANGHAI_10_APRIL = datetime.datetime(2025, 4, 10, 10, 0, tzinfo=datetime.timezone.utc)


def management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def application_post(application, new_partners):
    """The change form as the browser posts it, with `new_partners` added as co-builders."""
    existing = list(application.co_builders.all())
    data = {
        "organization": application.organization_id,
        "program": application.program_id,
        "status": application.status,
        **management("co_builders", len(existing) + len(new_partners), len(existing)),
        **management("ticks", 0, 0),
    }
    for i, row in enumerate(existing):
        data[f"co_builders-{i}-id"] = row.pk
        data[f"co_builders-{i}-application"] = application.pk
        data[f"co_builders-{i}-organization"] = row.organization_id
    for j, partner in enumerate(new_partners, start=len(existing)):
        data[f"co_builders-{j}-application"] = application.pk
        data[f"co_builders-{j}-organization"] = partner.pk
    return data


@pytest.fixture
def liugang_application(liugang, pilot_base):
    return Application.objects.get(organization=liugang, program=pilot_base)


def universities(n):
    return [
        Organization.objects.create(name_zh=f"大学{i}", kind=OrganizationKind.UNIVERSITY)
        for i in range(n)
    ]


def test_the_admin_speaks_chinese_by_default(admin_client, seeded):
    response = admin_client.get(reverse("admin:index"))
    assert "政策申报追踪" in response.content.decode()


def test_the_admin_switches_to_english(admin_client, seeded):
    admin_client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    response = admin_client.get(reverse("admin:tracker_program_changelist"))
    assert "Select program to change" in response.content.decode()


@time_machine.travel(SHANGHAI_10_APRIL, tick=False)
def test_the_program_list_shows_the_deadline_with_days_left(admin_client, pilot_base):
    response = admin_client.get(reverse("admin:tracker_program_changelist"))
    page = response.content.decode()
    assert "2025年4月20日" in page
    assert "剩余 10 天" in page


@time_machine.travel(SHANGHAI_10_APRIL, tick=False)
@pytest.mark.parametrize(
    ("status", "listed"), [("closing", True), ("open", False), ("closed", False)]
)
def test_the_status_filter_uses_the_local_date(admin_client, pilot_base, status, listed):
    response = admin_client.get(reverse("admin:tracker_program_changelist"), {"status": status})
    assert (pilot_base.title_zh in response.content.decode()) is listed


@pytest.mark.parametrize("term", ["中试", "Pilot-Scale", "自治区科技", "Guangxi Zhuang"])
def test_program_search_works_in_both_languages(admin_client, pilot_base, term):
    response = admin_client.get(reverse("admin:tracker_program_changelist"), {"q": term})
    assert pilot_base.title_zh in response.content.decode()


def test_the_program_list_makes_a_bounded_number_of_queries(
    admin_client, pilot_base, django_assert_max_num_queries
):
    for _ in range(5):
        clone_as_next_edition(pilot_base)
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("admin:tracker_program_changelist"))


def test_the_program_change_page_renders_with_its_inlines(admin_client, pilot_base):
    response = admin_client.get(reverse("admin:tracker_program_change", args=[pilot_base.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "新材料" in page and "联合共建单位名单" in page


def test_the_clone_action_creates_next_years_edition_without_dates(admin_client, pilot_base):
    response = admin_client.post(
        reverse("admin:tracker_program_changelist"),
        {"action": "clone_as_next_edition", "_selected_action": [pilot_base.pk]},
        follow=True,
    )
    clone = Program.objects.get(slug="guangxi-pilot-base-2026")
    assert (clone.opens_on, clone.deadline) == (None, None)
    assert clone.title_zh in response.content.decode()


def test_a_sixth_co_builder_in_the_admin_is_refused_naming_5(admin_client, liugang_application):
    url = reverse("admin:tracker_application_change", args=[liugang_application.pk])
    response = admin_client.post(url, application_post(liugang_application, universities(4)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "最多 5 个" in page
    assert liugang_application.co_builders.count() == 2


def test_co_builders_up_to_the_limit_are_saved_in_the_admin(admin_client, liugang_application):
    url = reverse("admin:tracker_application_change", args=[liugang_application.pk])
    response = admin_client.post(url, application_post(liugang_application, universities(3)))
    assert response.status_code == 302
    assert liugang_application.co_builders.count() == 5


def test_the_lead_cannot_be_added_as_its_own_co_builder_in_the_admin(
    admin_client, liugang_application, liugang
):
    url = reverse("admin:tracker_application_change", args=[liugang_application.pk])
    response = admin_client.post(url, application_post(liugang_application, [liugang]))
    assert response.status_code == 200
    assert "牵头单位不能同时作为自己的联合共建单位" in response.content.decode()


def test_a_bad_credit_code_is_a_form_error_naming_the_field(admin_client, seeded):
    response = admin_client.post(
        reverse("admin:tracker_organization_add"),
        {
            "kind": "enterprise",
            "name_zh": "测试公司",
            "credit_code": "91350100M000100Y44",
            **management("contacts", 0, 0),
            **management("memberships", 0, 0),
        },
    )
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    assert not Organization.objects.filter(name_zh="测试公司").exists()


def test_organizations_are_found_by_credit_code(admin_client, seeded):
    Organization.objects.create(
        name_zh="测试公司", kind="enterprise", credit_code="91350100M000100Y43"
    )
    response = admin_client.get(
        reverse("admin:tracker_organization_changelist"), {"q": "91350100M000100Y43"}
    )
    assert "测试公司" in response.content.decode()


def test_a_deadline_before_opening_is_refused_in_the_admin(admin_client, pilot_base):
    url = reverse("admin:tracker_program_change", args=[pilot_base.pk])
    page = admin_client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(
        {
            "title_zh": pilot_base.title_zh,
            "authority": pilot_base.authority_id,
            "opens_on": "2025-03-27",
            "deadline": "2025-03-01",
            "regions": [r.pk for r in pilot_base.regions.all()],
            "eligible_kinds": [],
            "reminder_days": "30, 14, 7",
            **management("program_sectors", 0, 0),
            **management("milestones", 0, 0),
            **management("checklist_items", 0, 0),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "不能早于开始日期" in response.content.decode()
    pilot_base.refresh_from_db()
    assert pilot_base.deadline == datetime.date(2025, 4, 20)


def test_a_new_program_starts_with_the_default_reminder_days(admin_client, seeded):
    response = admin_client.get(reverse("admin:tracker_program_add"))
    assert response.context["adminform"].form["reminder_days"].value() == "30, 14, 7, 3, 1"

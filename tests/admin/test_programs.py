import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.admin.formsets import management
from tracker.models import Program
from tracker.services.programs import clone_as_next_edition

SHANGHAI_10_APRIL = datetime.datetime(2025, 4, 10, 10, 0, tzinfo=datetime.timezone.utc)





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
            **management("fact_thresholds", 0, 0),
            **management("qualification_requirements", 0, 0),
            **management("manual_conditions", 0, 0),
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


@pytest.mark.parametrize("regions", [["x"], ["99999999999999999999"]])
def test_posted_regions_that_are_no_ids_are_a_form_error_not_a_500(
    admin_client, pilot_base, regions
):
    url = reverse("admin:tracker_program_change", args=[pilot_base.pk])

    response = admin_client.post(url, {"title_zh": pilot_base.title_zh, "regions": regions})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["regions"]

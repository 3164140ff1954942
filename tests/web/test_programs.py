import datetime

from tracker.models import Application, Authority, Program, Sector
from tracker.services.programs import clone_as_next_edition

SLUG = "guangxi-pilot-base-2025"


def slugs(response):
    return [row["program"].slug for row in response.context["rows"]]


def test_it_lists_open_programs_with_days_left(english_client, seeded, call_open):
    response = english_client.get("/programs/")

    [row] = response.context["rows"]
    assert row["status"] == Program.Status.OPEN
    assert row["days_left"] == 19
    assert "Days left: 19" in response.content.decode()


def test_a_closed_program_shows_under_closed_only(english_client, seeded):
    assert slugs(english_client.get("/programs/")) == []
    assert slugs(english_client.get("/programs/?status=closed")) == ["guangxi-pilot-base-2025"]


def test_it_filters_by_sector_and_authority(english_client, seeded, call_open):
    parts = Sector.objects.get(code="automotive-parts")
    materials = Sector.objects.get(code="new-materials")
    city = Authority.objects.get(short_name_zh="柳州市科技局")

    assert slugs(english_client.get(f"/programs/?sector={materials.pk}")) == [SLUG]
    assert slugs(english_client.get(f"/programs/?sector={parts.pk}")) == []
    assert slugs(english_client.get(f"/programs/?authority={city.pk}")) == []


def test_programs_are_sorted_by_deadline(english_client, pilot_base, call_open):
    later = clone_as_next_edition(pilot_base)
    later.opens_on, later.deadline, later.is_published = (
        datetime.date(2025, 3, 1), datetime.date(2025, 5, 30), True
    )
    later.save()
    earlier = clone_as_next_edition(pilot_base)
    earlier.opens_on, earlier.deadline, earlier.is_published = (
        datetime.date(2025, 3, 1), datetime.date(2025, 4, 10), True
    )
    earlier.save()

    assert slugs(english_client.get("/programs/")) == [earlier.slug, pilot_base.slug, later.slug]


def test_a_bad_filter_value_is_an_error_on_the_page_not_a_500(english_client, seeded):
    response = english_client.get("/programs/?sector=abc&status=nonsense")

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"sector", "status"}


def test_the_program_page_states_the_rules_with_their_citations(
    english_client, pilot_base, call_open
):
    body = english_client.get("/programs/guangxi-pilot-base-2025/").content.decode()

    assert "At most 5 co-building units per application." in body
    assert "每家中试基地联合共建单位不超过5个。" in body
    assert "Priority for the 15 listed sectors; other sectors may still apply." in body
    assert "Application materials due" in body  # the deadline milestone on the timeline
    assert "List of joint co-building units (at most 5)" in body
    assert "Liuzhou Daily" in body or "柳州日报" in body


def test_an_unpublished_program_is_404_for_visitors_and_shown_to_staff(
    english_client, pilot_base, staff_user
):
    draft = clone_as_next_edition(pilot_base)

    assert english_client.get(f"/programs/{draft.slug}/").status_code == 404
    english_client.force_login(staff_user)
    assert english_client.get(f"/programs/{draft.slug}/").status_code == 200


def test_a_firm_user_can_track_a_program_from_its_page(
    english_client, pilot_base, firm_user, liugang
):
    next_year = clone_as_next_edition(pilot_base)
    next_year.opens_on, next_year.deadline, next_year.is_published = (
        datetime.date(2026, 3, 1), datetime.date(2026, 4, 20), True
    )
    next_year.save()
    english_client.force_login(firm_user)

    page = english_client.get(f"/programs/{next_year.slug}/")
    response = english_client.post(
        f"/programs/{next_year.slug}/track/", {"organization": liugang.pk}
    )

    assert "Track this program" in page.content.decode()
    assert response.status_code == 302
    assert Application.objects.filter(organization=liugang, program=next_year).exists()


def test_a_firm_user_cannot_track_for_another_organization(
    english_client, pilot_base, other_firm_user, liugang
):
    english_client.force_login(other_firm_user)

    english_client.post("/programs/guangxi-pilot-base-2025/track/", {"organization": liugang.pk})

    assert not Application.objects.filter(program=pilot_base).exclude(
        organization=liugang
    ).exists()
    assert Application.objects.filter(program=pilot_base).count() == 1  # the seed one


def test_tracking_needs_a_login(english_client, pilot_base):
    response = english_client.post("/programs/guangxi-pilot-base-2025/track/", {"organization": 1})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_language_switch_turns_the_page_english(client, pilot_base):
    before = client.get("/programs/?status=all").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/programs/"})
    after = client.get("/programs/?status=all").content.decode()

    assert "2025 Guangxi Pilot-Scale Research Base" not in before
    assert "2025年广西科技成果转化中试研究基地认定" in before
    assert "2025 Guangxi Pilot-Scale Research Base" in after


def test_chinese_labels_end_in_a_full_width_colon(client, seeded):
    body = client.get("/programs/").content.decode()
    assert '<label for="id_status">状态：</label>' in body
    assert "状态:" not in body


def test_a_program_in_another_zone_says_which(english_client, pilot_base):
    Program.objects.filter(pk=pilot_base.pk).update(timezone="Europe/Berlin")
    body = english_client.get(f"/programs/{pilot_base.slug}/").content.decode()
    assert "(Europe/Berlin time), that day included" in body
    assert "Asia/Shanghai" not in body


def test_the_source_links_the_notice_and_never_shows_a_repository_path(client, pilot_base):
    body = client.get(f"/programs/{pilot_base.slug}/").content.decode()
    assert "柳州日报（2025年4月）" in body and "seeds/sources" not in body
    Program.objects.filter(pk=pilot_base.pk).update(source_url="https://kjt.example.org/notice")
    body = client.get(f"/programs/{pilot_base.slug}/").content.decode()
    link = '<a href="https://kjt.example.org/notice" rel="noopener">柳州日报（2025年4月）</a>'
    assert link in body

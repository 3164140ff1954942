"""The administrators' power tools, through the admin pages as a superuser uses them."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from tracker.admin.programs import ProgramAdmin
from tracker.interchange.resources import ProgramResource
from tracker.models import Application, CoBuilder, Organization, OrganizationKind, Program

PASTE_URL = reverse("admin:tracker_program_paste_notice")


@pytest.fixture(autouse=True)
def english(admin_client):
    """Messages are asserted in English, whatever the site's default language."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def page():
    return (settings.BASE_DIR / "seeds/sources/liuzhou-daily-2025-04.txt").read_text("utf-8")


def test_the_program_list_offers_paste_import_and_export(admin_client, seeded):
    html = admin_client.get(reverse("admin:tracker_program_changelist")).content.decode()
    assert PASTE_URL in html
    assert reverse("admin:tracker_program_import") in html
    assert reverse("admin:tracker_program_export") in html


def test_the_paste_page_refuses_empty_text_with_a_message(admin_client, seeded):
    response = admin_client.post(PASTE_URL, {"text": "  ", "_preview": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["The text is empty: paste the whole notice."]
    assert response.context["draft"] is None


def test_the_paste_page_refuses_text_that_announces_no_call(admin_client, seeded):
    response = admin_client.post(PASTE_URL, {"text": "今天天气很好。", "_preview": "1"})
    assert response.status_code == 200
    assert "call for applications" in response.context["form"].errors["text"][0]


def test_the_seed_page_shows_the_draft_with_its_sources_and_what_is_missing(
    admin_client, seeded, page
):
    response = admin_client.post(PASTE_URL, {"text": page, "_preview": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025年广西科技成果转化中试研究基地认定" in html
    assert "<q>符合要求的单位请于4月20日前递交材料。</q>" in html
    assert "特色农产品加工" in html
    # Other stages, materials, and the three kinds of condition the article states none of.
    assert html.count("Not found in the notice") == 5
    form = response.context["create_form"]
    assert form.initial["authority"].name_zh == "广西壮族自治区科学技术厅"
    assert form.initial["year"] == 2025
    assert not Program.objects.exclude(slug="guangxi-pilot-base-2025").exists()


def test_creating_from_the_draft_makes_an_unpublished_program(admin_client, seeded, page):
    draft_page = admin_client.post(PASTE_URL, {"text": page, "_preview": "1"})
    form = draft_page.context["create_form"]
    data = {
        "text": page,
        "_create": "1",
        "title_zh": form.initial["title_zh"],
        "year": "2025",
        "slug": "pilot-base-from-notice",
        "authority": form.initial["authority"].pk,
        "source_publication": "柳州日报（2025年4月）",
    }
    response = admin_client.post(PASTE_URL, data)
    program = Program.objects.get(slug="pilot-base-from-notice")
    assert response.status_code == 302
    assert response.url == reverse("admin:tracker_program_change", args=[program.pk])
    assert not program.is_published
    assert (program.opens_on, program.deadline) == (datetime.date(2025, 3, 27),
                                                    datetime.date(2025, 4, 20))
    assert len(program.sectors_in_order()) == 15
    assert program.max_co_builders == 5
    assert program.co_builder_clause.endswith("每家中试基地联合共建单位不超过5个。")


def test_a_taken_slug_is_a_form_error_and_nothing_is_created(admin_client, seeded, page):
    data = {
        "text": page, "_create": "1", "title_zh": "x", "year": "2025",
        "slug": "guangxi-pilot-base-2025",
        "authority": Program.objects.get().authority_id, "source_publication": "柳州日报",
    }
    response = admin_client.post(PASTE_URL, data)
    assert response.status_code == 200
    assert "slug" in response.context["create_form"].errors
    assert Program.objects.count() == 1


def text_box(html):
    return re.search(r"<textarea[^>]*>", html).group(0)


def test_the_paste_form_states_the_size_limit_and_caps_the_text_box(admin_client, seeded):
    html = admin_client.get(PASTE_URL).content.decode()

    assert "At most 2.5\xa0MB can be sent at once" in html
    assert re.search(r'maxlength="(\d+)"', text_box(html))


def test_a_full_text_box_of_chinese_still_fits_in_one_request(admin_client, seeded, settings):
    """The costliest text: every character is 3 UTF-8 bytes, each sent as %XX."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    box = text_box(admin_client.get(PASTE_URL).content.decode())
    maxlength = int(re.search(r'maxlength="(\d+)"', box).group(1))
    data = {
        "csrfmiddlewaretoken": "x" * 64,
        "text": "通" * maxlength,
        "_create": "1",
        "title_zh": "通" * 300,
        "year": "2025",
        "slug": "s" * 120,
        "authority": "1",
        "source_publication": "通" * 200,
    }
    body = urlencode(data)

    assert len(body) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = admin_client.post(PASTE_URL, body, "application/x-www-form-urlencoded")
    assert response.status_code == 200


@pytest.fixture
def admin_browser(admin_user):
    """The admin as a browser uses it: CSRF checks on, the token taken from the page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    html = client.get(PASTE_URL).content.decode()
    client.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client


def too_big(client, **extra):
    """Over Django's 2.5 MB, urlencoded as the form sends it: 300,000 Chinese characters are
    2.7 MB once each of their UTF-8 bytes is sent as %XX."""
    body = urlencode({"text": "通" * 300_000, "_preview": "1", **extra})
    return client.post(PASTE_URL, body, "application/x-www-form-urlencoded")


def test_a_notice_over_the_size_limit_gets_the_paste_page_back_naming_field_and_limit(
    admin_browser, seeded
):
    admin_browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = too_big(admin_browser, csrfmiddlewaretoken=admin_browser.token)

    assert response.status_code == 413
    assert response.templates[0].name == "admin/tracker/program/paste_notice.html"
    [error] = response.context["form"].errors["text"]
    assert error.startswith("The notice text is larger than 2.5\xa0MB")
    assert error in response.content.decode()
    assert response.context["draft"] is None


def test_the_size_limit_page_is_in_the_administrators_language(admin_browser, seeded):
    response = too_big(admin_browser, csrfmiddlewaretoken=admin_browser.token)

    assert response.status_code == 413
    assert response["Content-Language"] == "zh-hans"
    assert "粘贴通知" in response.content.decode()


def test_a_post_over_the_limit_without_a_csrf_token_only_gets_the_page(admin_browser, seeded):
    response = too_big(admin_browser)

    assert response.status_code == 413
    assert Program.objects.count() == 1


def test_the_paste_page_still_refuses_a_post_without_a_csrf_token(admin_browser, seeded, page):
    response = admin_browser.post(PASTE_URL, {"text": page, "_preview": "1"})

    assert response.status_code == 403


def test_only_staff_reach_the_size_limit_page(client, firm_user):
    client.force_login(firm_user)

    response = too_big(client)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def bad_row_csv():
    rows = ProgramResource().export()
    good = rows.dict[0] | {"slug": "good-2026", "year": "2026"}
    bad = rows.dict[0] | {"slug": "bad-2026", "opens_on": "2026-05-01", "deadline": "2026-04-01"}
    rows.append([good[h] for h in rows.headers])
    rows.append([bad[h] for h in rows.headers])
    return rows.export("csv").encode()


def test_the_import_preview_names_the_bad_row_and_field_and_imports_nothing(admin_client, seeded):
    upload = SimpleUploadedFile("programs.csv", bad_row_csv(), content_type="text/csv")
    response = admin_client.post(
        reverse("admin:tracker_program_import"), {"import_file": upload, "format": "0"}
    )
    assert response.status_code == 200
    result = response.context["result"]
    [invalid] = result.invalid_rows
    assert invalid.number == 3
    assert "deadline" in invalid.field_specific_errors
    html = response.content.decode()
    assert "must not be before the opening date" in html
    assert 'name="confirm"' not in html and "_confirm" not in html
    assert not Program.objects.filter(slug__in=["good-2026", "bad-2026"]).exists()


def test_a_good_file_is_previewed_then_imported_on_confirmation(admin_client, seeded):
    rows = ProgramResource().export()
    rows.append([(rows.dict[0] | {"slug": "next-2026", "year": "2026"})[h] for h in rows.headers])
    upload = SimpleUploadedFile("programs.csv", rows.export("csv").encode())
    preview = admin_client.post(
        reverse("admin:tracker_program_import"), {"import_file": upload, "format": "0"}
    )
    assert not Program.objects.filter(slug="next-2026").exists()
    confirm = preview.context["confirm_form"]
    admin_client.post(reverse("admin:tracker_program_process_import"), confirm.initial)
    assert Program.objects.get(slug="next-2026").program_sectors.count() == 15


def test_history_is_recorded_and_shown_for_programs(admin_client, pilot_base):
    pilot_base.max_co_builders = 4
    pilot_base.save()
    assert pilot_base.history.count() == 2
    response = admin_client.get(reverse("admin:tracker_program_history", args=[pilot_base.pk]))
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>|&nbsp;|\s+", " ", response.content.decode())
    assert re.search(r"Maximum co-building units: +5 +&rarr; +4", text)


def test_cloning_an_edition_records_who_created_it(admin_client, admin_user, pilot_base):
    admin_client.post(
        reverse("admin:tracker_program_changelist"),
        {"action": "clone_as_next_edition", "_selected_action": [pilot_base.pk]},
    )
    clone = Program.objects.get(cloned_from=pilot_base)
    [created] = clone.history.all()
    assert (created.history_type, created.history_user) == ("+", admin_user)
    assert (created.year, created.deadline) == (2026, None)


def test_history_is_shown_for_organizations_and_applications(admin_client, seeded):
    organization = Organization.objects.get(name_zh="柳钢集团")
    application = Application.objects.get()
    for name, obj in [("organization", organization), ("application", application)]:
        url = reverse(f"admin:tracker_{name}_history", args=[obj.pk])
        assert admin_client.get(url).status_code == 200
        assert obj.history.exists()


@pytest.fixture
def impact_admin():
    """The call is open (1 April 2025), so only the rules decide the verdicts."""
    open_day = datetime.datetime(2025, 4, 1, 2, tzinfo=datetime.timezone.utc)
    with time_machine.travel(open_day, tick=False):
        yield


def change_form_data(admin_client, program, **changes):
    """The change form's current data, as the browser would post it back."""
    response = admin_client.get(reverse("admin:tracker_program_change", args=[program.pk]))
    data = {}
    adminform = response.context["adminform"]
    for name, field in adminform.form.fields.items():
        value = adminform.form[name].value()
        data[name] = field.prepare_value(value) if value is not None else ""
    for formset in response.context["inline_admin_formsets"]:
        formset = formset.formset
        management = formset.management_form.initial
        data.update({f"{formset.prefix}-{k}": v for k, v in management.items()})
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                data[form.add_prefix(name)] = "" if value is None else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None and v is not False}


@pytest.fixture
def three_firms(pilot_base):
    """柳钢集团 has 2 partners; 乙 has 4 and 丙 5, both allowed by the limit of 5."""
    for name, n in [("乙公司", 4), ("丙公司", 5)]:
        firm = Organization.objects.create(name_zh=name, kind=OrganizationKind.ENTERPRISE)
        application = Application.objects.create(organization=firm, program=pilot_base)
        for i in range(n):
            partner = Organization.objects.create(name_zh=f"{name}{i}", kind="university")
            CoBuilder.objects.create(application=application, organization=partner)


def edit(admin_client, program, **changes):
    """Post the program's change form back with `changes`, as the Save button does."""
    url = reverse("admin:tracker_program_change", args=[program.pk])
    return admin_client.post(url, change_form_data(admin_client, program, _save="Save", **changes))


PREVIEW = "admin/tracker/program/impact_preview.html"


def test_lowering_the_limit_shows_the_impact_and_saves_nothing(
    admin_client, pilot_base, three_firms, impact_admin
):
    response = edit(admin_client, pilot_base, max_co_builders="3")
    assert response.status_code == 200
    assert response.templates[0].name == PREVIEW
    assert response.context["impact"].evaluated == 3
    assert sorted(str(o) for o, _b, _a in response.context["changes"]) == ["丙公司", "乙公司"]
    # Unticked materials (and 乙's and 丙's unknown region) leave all three incomplete today.
    assert [(str(b), str(a), n) for b, a, n in response.context["transitions"]] == [
        ("Incomplete: some answers are missing", "Not eligible", 2)
    ]
    html = response.content.decode()
    assert 'name="_confirm_impact"' in html
    assert 'name="max_co_builders" value="3"' in html
    pilot_base.refresh_from_db()
    assert pilot_base.max_co_builders == 5


def test_confirming_the_impact_saves_the_change(
    admin_client, pilot_base, three_firms, impact_admin
):
    response = edit(admin_client, pilot_base, max_co_builders="3", _confirm_impact="1")
    assert response.status_code == 302
    pilot_base.refresh_from_db()
    assert pilot_base.max_co_builders == 3


def test_an_edit_outside_the_rules_saves_without_a_preview(
    admin_client, pilot_base, three_firms, impact_admin
):
    response = edit(admin_client, pilot_base, summary_en="Shorter.")
    assert response.status_code == 302
    pilot_base.refresh_from_db()
    assert pilot_base.summary_en == "Shorter."


def test_removing_a_priority_sector_inline_is_previewed_too(
    admin_client, pilot_base, three_firms, impact_admin
):
    response = edit(admin_client, pilot_base, **{"program_sectors-0-DELETE": "on"})
    assert response.templates[0].name == PREVIEW
    assert response.context["impact"].changes == []
    assert pilot_base.program_sectors.count() == 15


def test_an_invalid_edit_shows_the_form_errors_not_the_preview(
    admin_client, pilot_base, three_firms, impact_admin
):
    response = edit(admin_client, pilot_base, deadline="2025-03-01")
    assert response.status_code == 200
    assert "deadline" in response.context["adminform"].form.errors


def test_without_an_eligibility_engine_wired_edits_save_directly(
    admin_client, pilot_base, three_firms, impact_admin, monkeypatch
):
    monkeypatch.setattr(ProgramAdmin, "impact_verdict", None)
    response = edit(admin_client, pilot_base, max_co_builders="3")
    assert response.status_code == 302
    pilot_base.refresh_from_db()
    assert pilot_base.max_co_builders == 3


@pytest.mark.parametrize("firms", [3, 30])
def test_the_impact_preview_makes_the_same_queries_for_3_or_30_firms(
    admin_client, pilot_base, impact_admin, firms, django_assert_max_num_queries
):
    for i in range(firms):
        firm = Organization.objects.create(name_zh=f"公司{i}", kind=OrganizationKind.ENTERPRISE)
        Application.objects.create(organization=firm, program=pilot_base)
    data = change_form_data(admin_client, pilot_base, _save="Save", max_co_builders="3")
    url = reverse("admin:tracker_program_change", args=[pilot_base.pk])
    # Most of these validate the 15 sector inline rows; none is per tracked firm. The rows of
    # thresholds, qualifications and conditions add their inlines and their lists (program and
    # profiles), about ten queries whatever the number of firms.
    with django_assert_max_num_queries(90):
        response = admin_client.post(url, data)
    assert response.templates[0].name == PREVIEW


def test_the_impact_previews_back_link_script_carries_the_nonce_from_the_header(
    admin_client, pilot_base, three_firms, impact_admin
):
    response = edit(admin_client, pilot_base, max_co_builders="3")

    assert response.templates[0].name == PREVIEW
    [nonce] = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert "onclick" not in html

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import make_applications, make_partner, make_programs
from tracker.models import (
    Application,
    Attachment,
    ChecklistTick,
    CoBuilder,
    ItemWork,
    Membership,
    Organization,
)
from tracker.services.applications import add_co_builder, change_status
from tracker.services.materials import assign_item, upload
from tracker.services.programs import clone_as_next_edition


@pytest.fixture
def application(liugang, pilot_base):
    return Application.objects.get(organization=liugang, program=pilot_base)


@pytest.fixture
def firm(english_client, firm_user):
    english_client.force_login(firm_user)
    return english_client


@pytest.fixture
def other_firm(english_client, other_firm_user):
    english_client.force_login(other_firm_user)
    return english_client


def test_it_needs_a_login(english_client, seeded):
    response = english_client.get("/my/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/my/"


def test_it_shows_the_firms_application_with_eligibility_and_materials_apart(
    firm, application, call_open
):
    response = firm.get("/my/")

    [card] = response.context["rows"]
    assert card["application"] == application
    # Nothing ticked yet: materials to prepare, not doubt about eligibility.
    assert card["verdict"].summary == "eligible"
    body = response.content.decode()
    assert "2 of at most 5" in body
    assert "Materials 0/2" in body
    # Due by default 5 days (the program's item_due_days) before the April 20 deadline.
    assert "Next: Certification application materials, due by April 15, 2025" in body


def test_another_firm_sees_none_of_it(other_firm, application):
    response = other_firm.get("/my/")

    assert response.context["rows"] == []
    assert other_firm.get(f"/my/applications/{application.pk}/").status_code == 404


def test_staff_see_every_application(english_client, staff_user, application):
    english_client.force_login(staff_user)

    assert [c["application"] for c in english_client.get("/my/").context["rows"]] == [application]
    assert english_client.get(f"/my/applications/{application.pk}/").status_code == 200


def test_each_dashboard_line_links_to_the_applications_page_where_its_forms_are(
    firm, application, call_open
):
    body = firm.get("/my/").content.decode()

    line = body[body.index(f'id="application-{application.pk}"'):]
    line = line[: line.index("</li>\n</ol>")]
    assert f'<a href="/my/applications/{application.pk}/">' in line
    assert f"Lead applicant: {application.organization.name_en}" in line
    assert "Days left: 19" in line
    # Two co-building units, neither confirmed yet.
    assert "Co-building units: 2 of at most 5 · 2 awaiting confirmation" in line
    # The checklist, the partner search and the findings wait on the application's page.
    assert 'name="items"' not in body and 'name="partner"' not in body
    page = firm.get(f"/my/applications/{application.pk}/").content.decode()
    assert 'name="items"' in page and 'name="partner"' in page


def test_an_application_of_a_closed_program_keeps_its_line_and_verdict(firm, application):
    # Long after the deadline: the program is no longer in the catalog's open copy, so its
    # rules are read from the database.
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        [row] = firm.get("/my/").context["rows"]
        body = firm.get("/my/").content.decode()

    assert row["status"] == "closed" and row["verdict"].summary
    assert '<span class="badge closed">Closed</span>' in body


def test_a_confirmed_unit_is_no_longer_counted_as_awaiting(firm, application, call_open):
    first = application.co_builders.order_by("pk").first()
    CoBuilder.objects.filter(pk=first.pk).update(confirmed_at=call_open)

    body = firm.get("/my/").content.decode()

    assert "Co-building units: 2 of at most 5 · 1 awaiting confirmation" in body


def test_ticking_saves_exactly_the_chosen_items(firm, application, firm_user):
    first, second = application.program.checklist_items.all()
    ChecklistTick.objects.create(application=application, item=second)

    response = firm.post(f"/my/applications/{application.pk}/ticks/", {"items": [first.pk]})

    assert response.status_code == 302
    assert response.url == f"/my/applications/{application.pk}/"
    tick = ChecklistTick.objects.get(application=application)
    assert (tick.item, tick.ticked_by) == (first, firm_user)


def test_all_items_ticked_make_the_seed_application_eligible(firm, application, call_open):
    items = [item.pk for item in application.program.checklist_items.all()]

    firm.post(f"/my/applications/{application.pk}/ticks/", {"items": items})

    [card] = firm.get("/my/").context["rows"]
    assert card["verdict"].summary == "eligible"


def test_an_item_of_another_program_is_refused(firm, application, pilot_base):
    other = clone_as_next_edition(pilot_base).checklist_items.first()

    firm.post(f"/my/applications/{application.pk}/ticks/", {"items": [other.pk]})

    assert not ChecklistTick.objects.exists()


def test_another_firm_cannot_tick_change_status_or_partners(other_firm, application):
    item = application.program.checklist_items.first()
    co_builder = application.co_builders.first()
    base = f"/my/applications/{application.pk}"

    responses = [
        other_firm.post(f"{base}/ticks/", {"items": [item.pk]}),
        other_firm.post(f"{base}/status/", {"status": "submitted", "confirm": "1"}),
        other_firm.post(f"{base}/co-builders/", {"partner": "东风柳汽"}),
        other_firm.post(f"{base}/co-builders/{co_builder.pk}/remove/"),
    ]

    assert [r.status_code for r in responses] == [404] * 4
    application.refresh_from_db()
    assert application.status == Application.Status.PREPARING
    assert not ChecklistTick.objects.exists()
    assert application.co_builders.count() == 2


def post_status(client, application, status, **extra):
    return client.post(
        f"/my/applications/{application.pk}/status/", {"status": status, **extra}, follow=True
    )


def status_of(application):
    application.refresh_from_db()
    return application.status


def card_messages(response):
    """The messages shown in the application cards of the page (all, in page order)."""
    cards = response.context.get("rows") or [response.context["card"]]
    return [m for card in cards for m in card.get("messages", [])]


def error_messages(response):
    return [str(m) for m in card_messages(response) if m.level_tag == "error"]


def submitted(application):
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    application.refresh_from_db()
    return application


def test_submitting_without_the_confirmation_is_refused_with_a_message(firm, application):
    response = post_status(firm, application, "submitted")

    assert response.status_code == 200
    assert error_messages(response) == [
        "Tick the confirmation to mark the application as submitted."
    ]
    assert status_of(application) == Application.Status.PREPARING


def test_submitting_with_the_confirmation_locks_the_application(firm, application):
    response = post_status(firm, application, "submitted", confirm="1")

    assert error_messages(response) == []
    assert status_of(application) == Application.Status.SUBMITTED
    assert "the checklist and the co-building units are locked" in response.content.decode()


def test_the_submit_form_carries_a_required_confirmation_checkbox(firm, application):
    body = firm.get(f"/my/applications/{application.pk}/").content.decode()

    [form] = re.findall(r"<form[^>]*class=\"actions submit\".*?</form>", body, flags=re.S)
    assert '<input type="hidden" name="status" value="submitted">' in form
    assert re.search(r'<input type="checkbox" name="confirm" value="1" required>', form)


def test_a_submission_can_be_undone_while_the_program_takes_applications(
    firm, application, call_open
):
    submitted(application)
    page = firm.get(f"/my/applications/{application.pk}/").content.decode()
    assert '<button type="submit" name="status" value="preparing"' in page

    response = post_status(firm, application, "preparing")

    assert error_messages(response) == []
    assert status_of(application) == Application.Status.PREPARING


def test_a_submission_can_still_be_undone_late_on_the_deadline_day(firm, application):
    submitted(application)
    # 23:30 in Beijing on 2025-04-20, the deadline: already the 21st nowhere that matters.
    with time_machine.travel(dt.datetime(2025, 4, 20, 15, 30, tzinfo=dt.UTC), tick=False):
        post_status(firm, application, "preparing")

    assert status_of(application) == Application.Status.PREPARING


def test_undoing_a_submission_after_the_deadline_is_refused_saying_why(firm, application):
    submitted(application)
    with time_machine.travel(dt.datetime(2025, 4, 20, 16, 30, tzinfo=dt.UTC), tick=False):
        page = firm.get(f"/my/applications/{application.pk}/").content.decode()
        response = post_status(firm, application, "preparing")

    assert 'value="preparing"' not in page
    assert "the submission can no longer be undone" in page
    assert response.status_code == 200
    [message] = error_messages(response)
    assert "stopped taking applications after" in message
    assert status_of(application) == Application.Status.SUBMITTED


def test_a_withdrawn_application_is_resumed_while_the_program_is_open(
    firm, application, call_open
):
    post_status(firm, application, "withdrawn")
    assert status_of(application) == Application.Status.WITHDRAWN

    post_status(firm, application, "preparing")

    assert status_of(application) == Application.Status.PREPARING


def test_a_withdrawn_application_is_not_resumed_after_the_deadline(firm, application):
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    with time_machine.travel(dt.datetime(2025, 4, 22, tzinfo=dt.UTC), tick=False):
        response = post_status(firm, application, "preparing")

    [message] = error_messages(response)
    assert "stopped taking applications after" in message
    assert status_of(application) == Application.Status.WITHDRAWN


@pytest.mark.parametrize(
    "current, posted, message",
    [
        ("preparing", "interested", "cannot become “Interested”"),
        ("preparing", "preparing", "cannot become “Preparing”"),
        ("interested", "submitted", "cannot become “Submitted”"),
        ("withdrawn", "submitted", "cannot become “Submitted”"),
        ("submitted", "submitted", "cannot become “Submitted”"),
        ("certified", "preparing", "cannot become “Preparing”"),
        ("rejected", "withdrawn", "cannot become “Withdrawn”"),
        ("preparing", "bogus", "Choose one of the statuses offered"),
    ],
)
def test_a_refused_transition_is_a_message_not_an_error_page(
    firm, application, call_open, current, posted, message
):
    Application.objects.filter(pk=application.pk).update(status=current)

    response = post_status(firm, application, posted, confirm="1")

    assert response.status_code == 200
    [error] = error_messages(response)
    assert message in error
    assert status_of(application) == current


@pytest.mark.parametrize("outcome", ["certified", "rejected"])
@pytest.mark.parametrize("current", ["preparing", "submitted"])
def test_a_firm_cannot_set_the_authoritys_decision(firm, application, current, outcome):
    Application.objects.filter(pk=application.pk).update(status=current)

    response = post_status(firm, application, outcome)

    assert response.status_code == 200
    label = Application.Status(outcome).label
    assert error_messages(response) == [
        f"Only an administrator can mark an application “{label}”."
    ]
    assert status_of(application) == current


def test_the_card_offers_no_outcome_to_a_firm(firm, application):
    body = firm.get(f"/my/applications/{application.pk}/").content.decode()

    assert 'value="certified"' not in body
    assert 'value="rejected"' not in body


def test_after_submitting_ticks_and_partners_cannot_change(firm, application):
    submitted(application)
    item = application.program.checklist_items.first()
    co_builder = application.co_builders.first()
    base = f"/my/applications/{application.pk}"

    responses = [
        firm.post(f"{base}/ticks/", {"items": [item.pk]}, follow=True),
        firm.post(f"{base}/co-builders/", {"partner": "东风柳汽"}, follow=True),
        firm.post(f"{base}/co-builders/{co_builder.pk}/remove/", follow=True),
    ]

    for response in responses:
        assert response.status_code == 200
        assert error_messages(response) == [
            "This application is “Submitted”: its checklist and co-building units are locked."
        ]
    assert not ChecklistTick.objects.exists()
    assert application.co_builders.count() == 2


def test_a_submitted_card_hides_the_partner_forms_and_disables_the_checklist(firm, application):
    submitted(application)

    body = firm.get(f"/my/applications/{application.pk}/").content.decode()

    assert "/co-builders/" not in body
    assert "Save checklist" not in body
    assert re.findall(r'<input type="checkbox" name="items"[^>]*>', body)
    assert all("disabled" in box for box in re.findall(r'name="items"[^>]*>', body))
    assert "Submitted: the checklist and the co-building units are locked" in body


def test_a_decided_application_says_its_checklist_is_locked(firm, application):
    Application.objects.filter(pk=application.pk).update(status=Application.Status.CERTIFIED)

    body = firm.get(f"/my/applications/{application.pk}/").content.decode()

    assert "The authority has decided" in body
    assert 'action="/my/applications/' + str(application.pk) + '/status/"' not in body


def test_the_model_refuses_a_skipped_step_with_a_clear_error(application):
    with pytest.raises(ValidationError) as raised:
        change_status(application, Application.Status.INTERESTED)

    assert raised.value.error_dict["status"][0].code == "status_transition"


def test_a_partner_is_added_by_name_or_credit_code(firm, application):
    partner = Organization.objects.get(name_zh="东风柳汽")

    firm.post(f"/my/applications/{application.pk}/co-builders/", {"partner": "东风柳汽"})

    assert application.co_builders.filter(organization=partner).exists()


def test_a_sixth_partner_is_refused_with_the_limit_named(firm, application):
    for n in range(3):
        add_co_builder(application, make_partner(f"高校{n}"))
    make_partner("第六个单位")

    response = firm.post(
        f"/my/applications/{application.pk}/co-builders/", {"partner": "第六个单位"}, follow=True
    )

    assert application.co_builders.count() == 5
    assert "Co-building units: at most 5 are allowed" in response.content.decode()


def test_an_unknown_partner_name_is_an_error_not_a_500(firm, application):
    response = firm.post(
        f"/my/applications/{application.pk}/co-builders/", {"partner": "不存在"}, follow=True
    )

    assert response.status_code == 200
    assert "No single organization is named “不存在”" in response.content.decode()


def test_a_partner_is_removed(firm, application):
    co_builder = application.co_builders.first()

    firm.post(f"/my/applications/{application.pk}/co-builders/{co_builder.pk}/remove/")

    assert not CoBuilder.objects.filter(pk=co_builder.pk).exists()


def test_every_form_carries_a_csrf_token(firm, application, pilot_base):
    for url in ["/my/", f"/programs/{pilot_base.slug}/", "/programs/"]:
        body = firm.get(url).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", body, flags=re.S)
        assert forms, url
        assert all("csrfmiddlewaretoken" in form for form in forms), url


def test_a_post_without_the_csrf_token_is_refused(firm_user, application):
    client = Client(enforce_csrf_checks=True)
    client.force_login(firm_user)

    response = client.post(f"/my/applications/{application.pk}/status/", {"status": "submitted"})

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.PREPARING


@pytest.mark.parametrize("count", [3, 300])
def test_queries_stay_bounded_whatever_the_number_of_applications(
    firm, liugang, db, call_open, count, django_assert_num_queries
):
    programs = make_programs(count)
    partners = [make_partner("合作高校"), make_partner("合作企业", kind="enterprise")]
    make_applications(liugang, programs, partners)

    # 23, as many for 3 as for 300: the session and the user; the applications, their
    # organizations (each once) with sectors, facts and qualifications, co-builders, ticks,
    # confirmations and item work; the catalog stamp, then this process's copy of the open
    # programs loaded for it (7: the programs, milestones, thresholds, qualifications,
    # conditions, regions, sectors; held afterwards until the catalog changes); the
    # checklists; the header's unread alerts; the member's organizations and partnership
    # requests.
    with django_assert_num_queries(23):
        response = firm.get("/my/")

    assert len(response.context["rows"]) == count + 1  # and the seed application


def test_an_item_id_too_large_for_the_database_is_an_error_message(firm, application):
    response = firm.post(
        f"/my/applications/{application.pk}/ticks/",
        {"items": ["99999999999999999999999"]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Those items are not on this program&#x27;s checklist." in response.content.decode()
    assert not ChecklistTick.objects.filter(application=application).exists()


def test_an_application_id_too_large_for_the_database_is_not_found(firm, application):
    assert firm.get("/my/applications/99999999999999999999999/").status_code == 404


def cache_directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_the_dashboard_and_an_application_page_are_never_stored_by_browsers_or_proxies(
    firm, application
):
    for url in ["/my/", f"/my/applications/{application.pk}/"]:
        response = firm.get(url)
        assert response.status_code == 200
        assert cache_directives(response) == {"private", "no-store"}, url


def test_the_login_redirect_of_a_firm_page_is_not_stored_either(english_client, seeded):
    response = english_client.get("/my/")

    assert response.status_code == 302
    assert cache_directives(response) == {"private", "no-store"}


def test_every_action_on_an_application_redirects_without_being_stored(
    firm, application, liugang
):
    base = f"/my/applications/{application.pk}"
    item = application.program.checklist_items.first()
    co_builder = application.co_builders.first()
    responses = [
        firm.post(f"{base}/ticks/", {"items": [item.pk]}),
        firm.post(f"{base}/status/", {"status": "submitted"}),
        firm.post(f"{base}/co-builders/", {"partner": "东风柳汽"}),
        firm.post(f"{base}/co-builders/{co_builder.pk}/remove/"),
        firm.post(f"/my/organizations/{liugang.pk}/calendar-reset/"),
    ]

    for response in responses:
        assert response.status_code == 302
        assert cache_directives(response) == {"private", "no-store"}, response.url


def test_an_actions_result_is_shown_in_the_card_acted_on_not_above_the_page(
    firm, application
):
    item = application.program.checklist_items.first()
    response = firm.post(
        f"/my/applications/{application.pk}/ticks/", {"items": [item.pk]}, follow=True
    )

    card = response.context["card"]
    assert [str(m) for m in card["messages"]] == ["Checklist saved."]
    assert list(response.context["messages"]) == []
    body = response.content.decode()
    card_start = body.index(f'id="application-{application.pk}"')
    assert card_start < body.index("Checklist saved.") < body.index("</article>", card_start)


def test_ticking_makes_a_fixed_number_of_queries_without_loading_the_card(
    firm, application, django_assert_max_num_queries
):
    items = [item.pk for item in application.program.checklist_items.all()]
    # Session and user, the application, the checklist choices, the ticks' delete and insert
    # in a savepoint, and the message saved in the session.
    with django_assert_max_num_queries(9) as captured:
        response = firm.post(f"/my/applications/{application.pk}/ticks/", {"items": items})
    assert response.status_code == 302
    # The card's lists (the organization's sectors, the program's stages) are not loaded.
    tables = " ".join(q["sql"] for q in captured)
    assert "tracker_organization_sectors" not in tables and "tracker_milestone" not in tables


# --- Checklist items: who, by when, and files --------------------------------------------------
PDF = b"%PDF-1.7\n" + b"x" * 100


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def item(application):
    return application.program.checklist_items.get(joint_only=False)


def said(response):
    return [str(m) for m in card_messages(response)]


def post_item(client, application, item, **data):
    return client.post(
        f"/my/applications/{application.pk}/items/{item.pk}/",
        {"owner": "", "due_on": "", "note": "", **data},
        follow=True,
    )


def test_an_item_is_assigned_with_a_file_and_the_card_says_who_and_by_when(
    firm, application, item, firm_user, media_root, call_open
):
    firm_user.first_name, firm_user.last_name = "三", "张"
    firm_user.save()
    response = post_item(
        firm, application, item, owner=firm_user.pk, note="原件扫描",
        file=SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf"),
    )

    assert said(response) == ["“Certification application materials” saved."]
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.uploaded_by) == ("营业执照.pdf", firm_user)
    body = response.content.decode()
    assert "Materials 0/2" in body
    owner_line = "三 张 is responsible for Certification application materials"
    assert f"{owner_line}, due by April 15, 2025" in body
    assert f'href="/my/applications/{application.pk}/files/{attachment.pk}/"' in body
    assert 'enctype="multipart/form-data"' in body


def test_a_file_too_large_is_a_message_naming_the_limit_and_nothing_is_saved(
    firm, application, item, firm_user, media_root, settings
):
    settings.ATTACHMENT_MAX_BYTES = 2**20

    response = post_item(
        firm, application, item, owner=firm_user.pk,
        file=SimpleUploadedFile("big.pdf", PDF + b"x" * 2**20),
    )

    assert response.status_code == 200
    assert said(response) == ["File too large: at most 1 MB."]
    # Nothing half-written: the assignment posted with the file is not kept either.
    assert not ItemWork.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(media_root.rglob("*.*"))


def test_a_forbidden_type_is_a_message_naming_the_allowed_ones(
    firm, application, item, media_root
):
    response = post_item(firm, application, item, file=SimpleUploadedFile("run.exe", b"MZ.."))

    [message] = said(response)
    assert message.startswith("Files of type .exe are not accepted; allowed: PDF, Word")
    assert not Attachment.objects.exists()


def test_a_file_whose_content_does_not_match_its_extension_is_refused(
    firm, application, item, media_root
):
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script>",
                              content_type="application/pdf")

    response = post_item(firm, application, item, file=fake)

    assert said(response) == [
        "“report.pdf” is not a PDF file: its content does not match its extension."
    ]
    assert not Attachment.objects.exists()


def test_a_member_of_another_organization_cannot_be_made_responsible(
    firm, application, item, other_firm_user
):
    response = post_item(firm, application, item, owner=other_firm_user.pk)

    assert said(response) == ["Choose a member of the lead organization."]
    assert not ItemWork.objects.exists()


@pytest.fixture
def attachment(application, item, firm_user, media_root):
    return upload(application, item, SimpleUploadedFile("营业执照.pdf", PDF), by=firm_user)


def test_a_member_downloads_a_file_as_an_attachment_never_stored(firm, application, attachment):
    response = firm.get(f"/my/applications/{application.pk}/files/{attachment.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%90%A5" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert cache_directives(response) == {"private", "no-store"}


def test_a_non_member_gets_404_for_a_file_and_cannot_delete_it(
    other_firm, application, attachment
):
    url = f"/my/applications/{application.pk}/files/{attachment.pk}/"

    assert other_firm.get(url).status_code == 404
    assert other_firm.post(f"{url}delete/").status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_file_asked_for_through_another_application_is_not_found(
    firm, application, attachment, liugang, pilot_base
):
    other = make_applications(liugang, make_programs(1))[0]

    response = firm.get(f"/my/applications/{other.pk}/files/{attachment.pk}/")

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_for_a_file(
    english_client, application, attachment
):
    response = english_client.get(f"/my/applications/{application.pk}/files/{attachment.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_member_deletes_a_file(firm, application, attachment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = firm.post(
            f"/my/applications/{application.pk}/files/{attachment.pk}/delete/", follow=True
        )

    assert said(response) == ["“营业执照.pdf” deleted."]
    assert not Attachment.objects.exists()


def test_the_co_building_units_list_has_no_checkbox_and_is_not_tickable(firm, application):
    listed = application.program.checklist_items.get(fulfilled_by_co_builders=True)

    body = firm.get(f"/my/applications/{application.pk}/").content.decode()
    post_ticks = firm.post(
        f"/my/applications/{application.pk}/ticks/", {"items": [listed.pk]}, follow=True
    )

    assert f'name="items" value="{listed.pk}"' not in body
    assert said(post_ticks) == ["Those items are not on this program's checklist."]
    assert not ChecklistTick.objects.exists()


def test_a_confirmed_co_builder_completes_the_list_item_on_the_card(firm, application, call_open):
    application.co_builders.update(confirmed_at=dt.datetime(2025, 3, 30, tzinfo=dt.UTC))
    ChecklistTick.objects.create(
        application=application, item=application.program.checklist_items.get(joint_only=False)
    )

    body = firm.get("/my/").content.decode()

    assert "Materials 2/2" in body
    assert "every required item is ready." in body


def test_an_application_page_with_files_and_assignments_makes_a_bounded_number_of_queries(
    firm, application, attachment, firm_user, django_assert_max_num_queries
):
    for item in application.program.checklist_items.all():
        assign_item(application, item, owner=firm_user, due_on=None, note="", by=firm_user)

    # 15, and one per list of the rules entered as rows (thresholds, qualifications and
    # conditions; the organization's facts and qualifications; the confirmations).
    with django_assert_max_num_queries(21):
        response = firm.get(f"/my/applications/{application.pk}/")

    assert response.status_code == 200


# --- Partners: suggestions, a refused form that keeps its text, confirmation ------------------
@pytest.fixture
def gxu_owner(django_user_model, seeded):
    """An owner of 广西大学 (the partner), logged in with their own client."""
    user = django_user_model.objects.create_user("gxu", "owner@gxu.example.com", "pw")
    organization = Organization.objects.create(
        name_zh="广西大学", name_en="Guangxi University", kind="university",
        credit_code="91350100M000100Y43", notes="private note",
    )
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.OWNER)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_suggestions_need_a_login(english_client, seeded):
    assert english_client.get("/my/partners/search/?q=广西").status_code == 302


def test_suggestions_give_at_most_eight_names_and_nothing_private(
    firm, gxu_owner, django_assert_max_num_queries
):
    for n in range(12):
        make_partner(f"广西测试大学{n}")

    with django_assert_max_num_queries(3):
        results = firm.get("/my/partners/search/", {"q": "广西"}).json()["results"]

    assert len(results) == 8
    assert results[0]["name"] == "Guangxi University"  # the shortest name: the closest
    assert all(set(result) == {"id", "name", "region", "kind", "detail"} for result in results)
    assert results[0]["detail"] == " (University)"
    assert "private note" not in str(results)


def test_suggestions_match_a_typed_credit_code_prefix_and_ignore_one_character(firm, gxu_owner):
    by_code = firm.get("/my/partners/search/", {"q": "９１３５０１００m"}).json()["results"]
    too_short = firm.get("/my/partners/search/", {"q": "广"}).json()["results"]

    assert [r["name"] for r in by_code] == ["Guangxi University"]
    assert too_short == []


def test_a_chinese_reader_gets_the_suggestions_details_in_full_width_punctuation(
    firm_user, gxu_owner
):
    chinese = Client()
    chinese.force_login(firm_user)

    [result] = chinese.get("/my/partners/search/", {"q": "广西大学"}).json()["results"]

    assert result["name"] + result["detail"] == "广西大学（高校）"


def test_a_nul_byte_in_the_suggestion_query_finds_nothing_and_is_no_error(firm, gxu_owner):
    # PostgreSQL refuses NUL in a text comparison: it must never reach the database.
    response = firm.get("/my/partners/search/", {"q": "广西\x00大学"})

    assert response.status_code == 200 and response.json()["results"] == []


def test_an_unknown_name_comes_back_typed_with_close_matches_and_a_new_organization_offer(
    firm, application, gxu_owner
):
    response = firm.post(
        f"/my/applications/{application.pk}/co-builders/", {"partner": "广西大"}, follow=True
    )

    body = response.content.decode()
    assert 'value="广西大"' in body  # in the partner field and the new organization's name
    assert "Did you mean…" in body and "Guangxi University" in body
    assert "No single organization is named “广西大”" in body
    card = response.context["card"]
    assert [o.name_zh for o in card["partner_form"]["suggestions"]] == ["广西大学"]
    # The error is beside the form, below the verdict, not at the top of the card.
    assert card["messages"] == [] and len(card["partner_form"]["errors"]) == 1
    assert body.index("Materials checklist") > body.index("No single organization") > body.index(
        "Co-building units"
    )
    # Once: the next visit shows an empty form.
    page = firm.get(f"/my/applications/{application.pk}/").content.decode()
    assert 'value="广西大"' not in page


def test_a_suggestion_is_added_by_its_id(firm, application, gxu_owner):
    partner = Organization.objects.get(name_zh="广西大学")

    firm.post(
        f"/my/applications/{application.pk}/co-builders/",
        {"partner": "广西", "organization": partner.pk},
    )

    assert application.co_builders.get(organization=partner).confirmed_at is None


def test_a_sixth_new_partner_is_refused_naming_5_and_keeps_what_was_typed(firm, application):
    for n in range(3):
        add_co_builder(application, make_partner(f"高校{n}"))

    response = firm.post(
        f"/my/applications/{application.pk}/co-builders/new/",
        {"name_zh": "第六个研究院", "kind": "research_institute", "credit_code": ""},
        follow=True,
    )

    body = response.content.decode()
    assert "Co-building units: at most 5 are allowed for this program" in body
    assert 'value="第六个研究院"' in body
    assert '<option value="research_institute" selected>' in body
    assert not Organization.objects.filter(name_zh="第六个研究院").exists()


def test_a_new_partner_is_shown_awaiting_confirmation_without_an_account(firm, application):
    firm.post(
        f"/my/applications/{application.pk}/co-builders/new/",
        {"name_zh": "新建研究院", "kind": "research_institute", "credit_code": ""},
    )

    body = firm.get(f"/my/applications/{application.pk}/").content.decode()
    assert "新建研究院" in body and "Awaiting confirmation (no account yet)" in body


def test_the_partners_owner_confirms_from_the_dashboard(
    firm, application, gxu_owner, django_assert_max_num_queries
):
    partner = Organization.objects.get(name_zh="广西大学")
    co_builder = add_co_builder(application, partner)

    with django_assert_max_num_queries(12):
        body = gxu_owner.get("/my/").content.decode()
    assert "invites Guangxi University as a co-building unit" in body
    gxu_owner.post(f"/my/partnerships/{co_builder.pk}/confirm/")

    co_builder.refresh_from_db()
    assert co_builder.confirmed_at is not None
    assert "Confirmed" in firm.get(f"/my/applications/{application.pk}/").content.decode()


def test_the_partners_owner_declines_and_the_unit_is_removed(firm, application, gxu_owner):
    co_builder = add_co_builder(application, Organization.objects.get(name_zh="广西大学"))

    response = gxu_owner.post(f"/my/partnerships/{co_builder.pk}/decline/")

    assert response.status_code == 302
    assert not CoBuilder.objects.filter(pk=co_builder.pk).exists()


def test_nobody_but_the_partners_owners_can_confirm_or_decline(
    firm, other_firm_user, application, gxu_owner
):
    co_builder = add_co_builder(application, Organization.objects.get(name_zh="广西大学"))
    stranger = Client()
    stranger.force_login(other_firm_user)

    for client in (firm, stranger):  # the lead's own member included
        for action in ("confirm", "decline"):
            response = client.post(f"/my/partnerships/{co_builder.pk}/{action}/")
            assert response.status_code == 404
    co_builder.refresh_from_db()
    assert co_builder.confirmed_at is None


def test_someone_at_a_partner_without_an_account_is_invited_to_own_it_and_confirm(
    firm, application, mailoutbox, django_capture_on_commit_callbacks
):
    firm.post(
        f"/my/applications/{application.pk}/co-builders/new/",
        {"name_zh": "新建研究院", "kind": "research_institute", "credit_code": ""},
    )
    co_builder = application.co_builders.get(organization__name_zh="新建研究院")

    with django_capture_on_commit_callbacks(execute=True):
        response = firm.post(
            f"/my/applications/{application.pk}/co-builders/{co_builder.pk}/invite/",
            {"email": "head@institute.example.com"},
            follow=True,
        )

    assert said(response)[-1] == "An invitation was sent to head@institute.example.com."
    invitation = co_builder.organization.invitations.get()
    assert (invitation.email, invitation.role) == ("head@institute.example.com", "owner")
    [mail] = mailoutbox
    assert mail.to == ["head@institute.example.com"]


def test_a_partner_that_has_an_owner_is_not_offered_to_strangers(
    firm, application, other_firm_user
):
    partner = Organization.objects.get(name_zh="东风柳汽")
    Membership.objects.filter(user=other_firm_user).update(role=Membership.Role.OWNER)
    co_builder = add_co_builder(application, partner)
    url = f"/my/applications/{application.pk}/co-builders/{co_builder.pk}/invite/"

    response = firm.post(url, {"email": "someone@example.com"}, follow=True)

    assert said(response) == ["Dongfeng Liuzhou Motor already has an owner, who confirms for it."]
    assert not partner.invitations.exists()


def test_an_answer_to_a_partnership_other_than_confirm_or_decline_is_not_found(
    application, gxu_owner
):
    co_builder = add_co_builder(application, Organization.objects.get(name_zh="广西大学"))

    assert gxu_owner.post(f"/my/partnerships/{co_builder.pk}/maybe/").status_code == 404
    assert CoBuilder.objects.filter(pk=co_builder.pk, confirmed_at=None).exists()


def test_the_partners_owner_is_told_in_chinese_what_the_answer_did(application, gxu_owner):
    co_builder = add_co_builder(application, Organization.objects.get(name_zh="广西大学"))
    gxu_owner.cookies.pop("django_language")
    gxu_owner.defaults.pop("HTTP_ACCEPT_LANGUAGE")

    page = gxu_owner.post(f"/my/partnerships/{co_builder.pk}/confirm/", follow=True)

    assert "您已确认广西大学为柳钢集团的联合共建单位。" in page.content.decode()

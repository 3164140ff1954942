import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tracker.models import Application, Attachment, ItemWork, checklist_progress
from tracker.services.applications import change_status
from tracker.services.materials import assign_item, delete_attachment, upload

PDF = b"%PDF-1.7\n" + b"x" * 100


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def application(liugang, pilot_base):
    return Application.objects.get(organization=liugang, program=pilot_base)


@pytest.fixture
def item(application):
    return application.program.checklist_items.get(joint_only=False)


def error_code(excinfo, field):
    return [e.code for e in excinfo.value.error_dict[field]]


def test_an_item_is_assigned_due_the_programs_item_due_days_before_the_deadline(
    application, item, firm_user
):
    work = assign_item(application, item, owner=firm_user, due_on=None, note="盖章", by=firm_user)

    assert (work.owner, work.due_on, work.note) == (firm_user, dt.date(2025, 4, 15), "盖章")
    assert work.history.first().history_user == firm_user


def test_assigning_again_changes_the_one_row(application, item, firm_user):
    assign_item(application, item, owner=firm_user, due_on=None, note="", by=firm_user)
    assign_item(application, item, owner=None, due_on=dt.date(2025, 4, 10), note="", by=firm_user)

    work = ItemWork.objects.get()
    assert (work.owner, work.due_on) == (None, dt.date(2025, 4, 10))


def test_an_owner_outside_the_lead_organization_is_refused(
    application, item, firm_user, other_firm_user
):
    with pytest.raises(ValidationError) as excinfo:
        assign_item(application, item, owner=other_firm_user, due_on=None, note="", by=firm_user)

    assert error_code(excinfo, "owner") == ["owner_not_member"]
    assert not ItemWork.objects.exists()


def test_a_submitted_application_refuses_assignments_uploads_and_deletions(
    application, item, firm_user
):
    attachment = upload(application, item, SimpleUploadedFile("a.pdf", PDF), by=firm_user)
    change_status(application, Application.Status.SUBMITTED)

    for action in [
        lambda: assign_item(application, item, owner=None, due_on=None, note="", by=firm_user),
        lambda: upload(application, item, SimpleUploadedFile("b.pdf", PDF), by=firm_user),
        lambda: delete_attachment(attachment),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            action()
        [errors] = excinfo.value.error_dict.values()
        assert [e.code for e in errors] == ["application_locked"]
    assert Attachment.objects.count() == 1


def test_an_upload_is_stored_under_a_random_name_with_its_checked_type(
    application, item, firm_user, media_root
):
    attachment = upload(application, item, SimpleUploadedFile("营业执照.pdf", PDF), by=firm_user)

    assert attachment.original_name == "营业执照.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert "营业执照" not in attachment.file.name
    assert (media_root / attachment.file.name).read_bytes() == PDF


def test_a_file_over_the_limit_is_refused_naming_the_limit(
    application, item, firm_user, settings
):
    settings.ATTACHMENT_MAX_BYTES = 2**20
    big = SimpleUploadedFile("a.pdf", PDF + b"x" * 2**20)

    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        upload(application, item, big, by=firm_user)

    assert error_code(excinfo, "file") == ["file_too_large"]
    with translation.override("en"):
        assert excinfo.value.messages == ["File too large: at most 1 MB."]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("setup.exe", b"MZ" + b"x" * 50, "file_type"),
        ("noextension", PDF, "file_type"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "file_content"),
        ("photo.png", PDF, "file_content"),
        ("empty.pdf", b"", "file_empty"),
    ],
)
def test_a_forbidden_or_disguised_file_is_refused(application, item, firm_user, name, content,
                                                    code):
    with pytest.raises(ValidationError) as excinfo:
        upload(application, item, SimpleUploadedFile(name, content), by=firm_user)

    assert error_code(excinfo, "file") == [code]
    assert not Attachment.objects.exists()


def test_the_type_message_names_the_extension_and_the_allowed_types(
    application, item, firm_user
):
    with pytest.raises(ValidationError) as excinfo:
        upload(application, item, SimpleUploadedFile("setup.EXE", b"MZ"), by=firm_user)

    with translation.override("en"):
        [message] = excinfo.value.messages
    assert message.startswith("Files of type .exe are not accepted; allowed: PDF, Word")


def test_office_files_pass_by_their_container_signature(application, item, firm_user):
    for name, head in [("a.docx", b"PK\x03\x04"), ("b.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
                       ("c.ofd", b"PK\x03\x04"), ("d.JPG", b"\xff\xd8\xff\xe0")]:
        upload(application, item, SimpleUploadedFile(name, head + b"rest"), by=firm_user)

    assert Attachment.objects.count() == 4


def test_deleting_an_attachment_removes_its_file_after_the_commit(
    application, item, firm_user, media_root, django_capture_on_commit_callbacks
):
    attachment = upload(application, item, SimpleUploadedFile("a.pdf", PDF), by=firm_user)
    path = media_root / attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        delete_attachment(attachment)

    assert not Attachment.objects.exists()
    assert not path.exists()


def test_the_co_building_units_list_counts_as_done_only_with_a_confirmed_co_builder(
    pilot_base,
):
    items = list(pilot_base.checklist_items.all())
    listed = pilot_base.checklist_items.get(fulfilled_by_co_builders=True)

    assert listed.title_zh.startswith("联合共建单位名单")
    _needed, missing = checklist_progress(items, set(), joint=True)
    assert listed in missing
    # A tick does not stand in for a partner's confirmation.
    _needed, missing = checklist_progress(items, {listed.pk}, joint=True)
    assert listed in missing
    _needed, missing = checklist_progress(items, set(), joint=True, co_builders_confirmed=True)
    assert listed not in missing

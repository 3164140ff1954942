"""The self-check's compiled copy of the open programs is never stale: every path that edits
the catalog (each admin form and inline, the spreadsheet import, the clone) moves the catalog
stamp, and the next /check/ reloads and judges the edit."""

import re
from collections import OrderedDict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin.formsets import management
from tests.admin.test_spreadsheets import confirm, preview
from tests.web.test_self_check import liugang_answers, verdicts
from tracker.interchange.resources import ProgramResource
from tracker.models import (
    CatalogVersion,
    Program,
    Qualification,
    QualificationRequirement,
    Sector,
)
from tracker.selectors import programs as program_selectors
from tracker.selectors import regions as region_selectors
from tracker.services.programs import clone_as_next_edition


@pytest.fixture
def check(client, seeded, call_open, monkeypatch):
    """GET /check/ with 柳钢集团's answers; returns (the verdicts, the page, its queries).

    The test starts without a copy in this process, so its first check is a full load."""
    for kept in (program_selectors._copy, program_selectors._moment,
                 program_selectors._form_choices, region_selectors._divisions):
        kept.clear()
    monkeypatch.setattr(program_selectors, "_rankings", OrderedDict())

    def get():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/check/", liugang_answers(seeded))
        return list(verdicts(response)), response.content.decode(), len(captured)

    return get


def change_form(admin_client, model, obj):
    """The admin change form of `obj` as the browser would post it back unchanged."""
    url = reverse(f"admin:tracker_{model}_change", args=[obj.pk])
    page = admin_client.get(url).context
    data = _fields(page["adminform"].form)
    for inline in page["inline_admin_formsets"]:
        formset = inline.formset
        data.update(management(formset.prefix, len(formset.initial_forms),
                               len(formset.initial_forms)))
        for form in formset.initial_forms:
            data.update({f"{form.prefix}-{k}": v for k, v in _fields(form).items()})
    return url, data


def _fields(form):
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif name == "reminder_days":
            value = ", ".join(map(str, value))
        elif hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    return data


def post(admin_client, url, data):
    # `_confirm_impact`: as if the administrator confirmed the impact preview (a tracked
    # program's rules changed), which the admin's own tests cover.
    response = admin_client.post(url, {**data, "_confirm_impact": "1"})
    assert response.status_code == 302, (response.status_code, _errors(response))
    return response


def _errors(response):
    context = response.context or {}
    if "adminform" not in context:
        return response.content[:500]
    return context["adminform"].form.errors, [
        f.errors for inline in context["inline_admin_formsets"] for f in inline.formset
    ]


def test_a_second_check_reuses_the_copy_and_reads_only_the_stamp(check):
    _, _, cold = check()
    _, _, warm = check()

    # The programs, their authorities, sectors, regions and milestones, the rows of the
    # thresholds, qualifications and conditions to confirm, and the sectors, qualifications
    # and divisions the form offers are not read again.
    assert warm == cold - 10


def test_an_edit_of_the_program_form_reaches_the_next_check(check, admin_client, pilot_base):
    [before], _, cold = check()
    url, data = change_form(admin_client, "program", pilot_base)

    post(admin_client, url, {**data, "max_co_builders": "1"})

    [after], _, queries = check()
    assert (before.summary, after.summary) == ("eligible", "not_eligible")
    assert queries == cold


def test_removing_a_sector_in_the_inline_reaches_the_next_check(check, admin_client, pilot_base):
    [before], _, cold = check()
    url, data = change_form(admin_client, "program", pilot_base)
    materials = Sector.objects.get(code="new-materials")
    [row] = [k for k, v in data.items() if k.startswith("program_sectors-") and
             k.endswith("-sector") and v == materials.pk]

    post(admin_client, url, {**data, row.replace("-sector", "-DELETE"): "on"})

    [after], _, _ = check()
    assert (before.priority_score, after.priority_score) == (2, 1)


def test_a_checklist_or_stage_edit_in_the_inlines_reloads_the_copy(
    check, admin_client, pilot_base
):
    _, _, cold = check()
    url, data = change_form(admin_client, "program", pilot_base)
    post(admin_client, url, {**data, "checklist_items-0-title_zh": "认定申报材料（修订）"})
    _, _, after_checklist = check()

    url, data = change_form(admin_client, "program", pilot_base)
    stage = {
        **management("milestones", int(data["milestones-TOTAL_FORMS"]) + 1,
                     int(data["milestones-INITIAL_FORMS"])),
    }
    n = int(data["milestones-TOTAL_FORMS"])
    stage.update({
        f"milestones-{n}-title_zh": "县级推荐截止", f"milestones-{n}-due_on": "2025-04-10",
        f"milestones-{n}-audience": "applicant", f"milestones-{n}-kind": "stage",
    })
    post(admin_client, url, {**data, **stage})
    _, _, after_stage = check()

    assert after_checklist == after_stage == cold


def test_renaming_a_sector_an_authority_or_a_region_in_the_admin_reaches_the_next_check(
    check, admin_client, pilot_base
):
    check()
    authority = pilot_base.authority
    url, data = change_form(admin_client, "authority", authority)
    post(admin_client, url, {**data, "name_zh": "广西壮族自治区科学技术厅（新）"})
    _, body, _ = check()
    assert "广西壮族自治区科学技术厅（新）" in body

    sector = Sector.objects.get(code="new-materials")
    url, data = change_form(admin_client, "sector", sector)
    post(admin_client, url, {**data, "name_zh": "先进材料"})
    _, body, _ = check()
    assert "先进材料" in body

    guangxi = pilot_base.regions.get()
    url, data = change_form(admin_client, "region", guangxi)
    post(admin_client, url, {**data, "name_zh": "广西（更名）"})
    _, body, _ = check()
    assert "广西（更名）" in body


def test_a_spreadsheet_import_reaches_the_next_check(check, admin_client, pilot_base):
    [before], _, cold = check()
    rows = ProgramResource().export()
    rows.dict = [rows.dict[0] | {"max_co_builders": "1"}]
    previewed = preview(admin_client, "program", rows.export("csv").encode(), "programs.csv")

    confirm(admin_client, "program", previewed)

    [after], _, queries = check()
    assert (before.summary, after.summary) == ("eligible", "not_eligible")
    assert queries == cold


def test_a_clone_published_through_the_admin_is_checked_next_time(
    check, admin_client, pilot_base
):
    _, _, cold = check()
    admin_client.post(
        reverse("admin:tracker_program_changelist"),
        {"action": "clone_as_next_edition", "_selected_action": [pilot_base.pk]},
    )
    _, _, after_clone = check()
    clone = Program.objects.get(slug="guangxi-pilot-base-2026")
    url, data = change_form(admin_client, "program", clone)
    post(admin_client, url, {**data, "opens_on": "2025-03-27", "deadline": "2025-05-20",
                             "is_published": "on"})

    listed, _, _ = check()
    assert after_clone == cold
    assert {v.program.slug for v in listed} == {pilot_base.slug, clone.slug}


def test_the_clone_service_moves_the_stamp(pilot_base):
    stamp = CatalogVersion.current()

    clone_as_next_edition(pilot_base)

    assert CatalogVersion.current() != stamp


def test_a_threshold_added_in_the_inline_reaches_the_compiled_rules(
    check, admin_client, pilot_base
):
    [before], _, cold = check()
    url, data = change_form(admin_client, "program", pilot_base)
    n = int(data["fact_thresholds-TOTAL_FORMS"])
    post(admin_client, url, {
        **data,
        **management("fact_thresholds", n + 1, int(data["fact_thresholds-INITIAL_FORMS"])),
        f"fact_thresholds-{n}-fact": "main_revenue", f"fact_thresholds-{n}-year": "2024",
        f"fact_thresholds-{n}-bound": "at_least", f"fact_thresholds-{n}-value": "2000",
        f"fact_thresholds-{n}-position": "1",
    })

    [after], body, queries = check()
    # Not given in the answers: unknown, never a failure; and now asked.
    assert (before.summary, after.summary) == ("eligible", "incomplete")
    assert 'name="fact_main_revenue_2024"' in body
    assert queries == cold


def test_the_form_offers_a_renamed_sector_and_division_under_their_new_names(
    check, admin_client, pilot_base
):
    check()
    sector = Sector.objects.get(code="new-materials")
    url, data = change_form(admin_client, "sector", sector)
    post(admin_client, url, {**data, "name_zh": "先进材料"})
    guangxi = pilot_base.regions.get()
    url, data = change_form(admin_client, "region", guangxi)
    post(admin_client, url, {**data, "name_zh": "广西（更名）"})

    _, body, _ = check()

    box = re.search(rf'<input type="checkbox" name="sectors" value="{sector.pk}"[^>]*> ([^<]*)<',
                    body)
    assert box.group(1) == "先进材料"
    assert '<option value="450000" data-level="province" selected>广西（更名）</option>' in body


def test_a_qualification_added_in_the_admin_is_offered_next_time(
    check, admin_client, pilot_base
):
    QualificationRequirement.objects.create(
        program=pilot_base, qualification=Qualification.objects.get(code="high-tech-enterprise")
    )
    _, before, _ = check()

    admin_client.post(reverse("admin:tracker_qualification_add"),
                      {"code": "provincial-gazelle", "name_zh": "自治区瞪羚企业", "position": "9"})

    _, after, _ = check()
    assert "自治区瞪羚企业" not in before
    assert re.search(r'name="qualifications" value="\d+"[^>]*> 自治区瞪羚企业</label>', after)

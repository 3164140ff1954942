"""Thresholds, qualifications and conditions to confirm, edited as rows of a program in the
admin like its checklist, with the impact preview before a change that flips verdicts."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from tests.admin.test_program_tools import PREVIEW, edit
from tracker.models import (
    FactThreshold,
    HeldQualification,
    ManualCondition,
    OrganizationFact,
    Qualification,
    QualificationRequirement,
)


@pytest.fixture(autouse=True)
def open_call():
    with time_machine.travel(datetime.datetime(2025, 4, 1, 2, tzinfo=datetime.UTC), tick=False):
        yield


def new_row(prefix, **fields):
    """Fields of one added inline row (the formset's first, the program having none)."""
    fields = {"position": "1", **fields}
    return {
        f"{prefix}-TOTAL_FORMS": "1",
        **{f"{prefix}-0-{name}": value for name, value in fields.items()},
    }


@pytest.fixture
def liugang_revenue(liugang):
    OrganizationFact.objects.create(
        organization=liugang, fact="main_revenue", year=2024, value=Decimal("1500")
    )


def test_the_change_page_offers_the_three_kinds_of_rows(admin_client, pilot_base):
    page = admin_client.get(f"/admin/tracker/program/{pilot_base.pk}/change/").content.decode()

    for prefix in ["fact_thresholds", "qualification_requirements", "manual_conditions"]:
        assert f'name="{prefix}-TOTAL_FORMS"' in page


def test_a_threshold_that_fails_a_tracking_firm_is_previewed_then_saved_on_confirmation(
    admin_client, pilot_base, liugang_revenue
):
    row = new_row(
        "fact_thresholds", fact="main_revenue", year="2024", bound="at_least",
        value="2000", clause="2024年主营业务收入不低于2000万元",
    )

    preview = edit(admin_client, pilot_base, **row)

    assert preview.templates[0].name == PREVIEW
    [(organization, _before, after)] = preview.context["changes"]
    assert (str(organization), str(after)) == ("柳钢集团", "不符合申报条件")
    assert not FactThreshold.objects.exists()

    saved = edit(admin_client, pilot_base, _confirm_impact="1", **row)

    assert saved.status_code == 302
    threshold = FactThreshold.objects.get()
    assert (threshold.year, threshold.value) == (2024, Decimal("2000"))


def test_a_threshold_the_firms_meet_is_previewed_with_no_verdict_changing(
    admin_client, pilot_base, liugang_revenue
):
    row = new_row("fact_thresholds", fact="main_revenue", year="2024", bound="at_least",
                  value="1000")

    response = edit(admin_client, pilot_base, **row)

    assert response.templates[0].name == PREVIEW
    assert response.context["impact"].changes == []


def test_a_reference_year_on_years_registered_is_a_form_error(admin_client, pilot_base):
    row = new_row("fact_thresholds", fact="years_registered", year="2024", bound="at_least",
                  value="1")

    response = edit(admin_client, pilot_base, _confirm_impact="1", **row)

    assert response.status_code == 200
    assert "请将参考年份留空" in response.content.decode()
    assert not FactThreshold.objects.exists()


def test_a_required_qualification_is_previewed_for_a_firm_whose_one_has_expired(
    admin_client, pilot_base, liugang
):
    high_tech = Qualification.objects.get(code="high-tech-enterprise")
    HeldQualification.objects.create(
        organization=liugang, qualification=high_tech, valid_until=datetime.date(2025, 4, 10)
    )
    row = new_row("qualification_requirements", group="1", qualification=str(high_tech.pk))

    preview = edit(admin_client, pilot_base, **row)

    assert preview.templates[0].name == PREVIEW
    assert [str(a) for _o, _b, a in preview.context["changes"]] == ["不符合申报条件"]
    assert not QualificationRequirement.objects.exists()


def test_a_condition_to_confirm_makes_tracking_firms_incomplete_in_the_preview(
    admin_client, pilot_base, liugang_revenue
):
    row = new_row("manual_conditions", text_zh="近三年未发生重大安全事故", clause="……")

    preview = edit(admin_client, pilot_base, **row)

    assert preview.templates[0].name == PREVIEW
    assert [str(a) for _o, _b, a in preview.context["changes"]] == ["信息不完整，暂无法判断"]
    edit(admin_client, pilot_base, _confirm_impact="1", **row)
    assert ManualCondition.objects.get().text_zh == "近三年未发生重大安全事故"


def test_the_qualification_list_is_data_an_administrator_extends(admin_client, seeded):
    response = admin_client.post(
        "/admin/tracker/qualification/add/",
        {"code": "innovative-sme", "name_zh": "创新型中小企业", "name_en": "Innovative SME",
         "position": "6"},
    )

    assert response.status_code == 302
    assert Qualification.objects.filter(code="innovative-sme").exists()

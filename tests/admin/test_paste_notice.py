"""The paste-a-notice page with files, proposed authorities, warnings and rolling calls, as a
superuser uses it."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.admin.test_program_tools import PREVIEW, edit
from tests.notices.files import docx_bytes, pdf_bytes, scanned_pdf_bytes
from tracker.models import (
    Authority,
    FactThreshold,
    HeldQualification,
    ManualCondition,
    Milestone,
    OrganizationFact,
    Program,
    Qualification,
    QualificationRequirement,
)
from tracker.notices.files import MAX_BYTES
from tracker.services.applications import track

PASTE_URL = reverse("admin:tracker_program_paste_notice")

CITY_NOTICE = """柳州市工业和信息化局关于组织申报2025年度柳州市工业企业技术改造奖补项目的通知

各县、区工业和信息化主管部门，各有关企业：
一、奖补标准
按项目设备投资额的10%给予奖补，单个项目最高奖补500万元。
二、申报时间
请企业于2025年5月16日17:30前将申报材料报送所在县区工信部门，各县区工信部门于5月23日前报送我局。

柳州市工业和信息化局
2025年4月22日
"""

ROLLING = """柳州市科学技术局关于受理2025年度柳州市科技成果转化后补助申请的通知

各有关单位：
后补助申请实行常年受理，材料齐全的按月评审。

柳州市科学技术局
2025年3月18日
"""

# A 2025 notice whose deadline was typed with last year's year.
WRONG_YEAR = """柳州市科学技术局关于组织申报2025年柳州市重大科技专项的通知

各有关单位：
项目申报书在线提交截止日期：2024年6月30日17时。

柳州市科学技术局
2025年5月21日
"""


CONDITIONS = """柳州市科学技术局关于组织申报2025年度柳州市企业研发奖补项目的通知

各有关企业：
一、申报条件
（一）企业在柳州市注册满1年，2024年主营业务收入不低于2000万元。
（二）申报企业须为高新技术企业或专精特新企业。
（三）近三年未发生重大安全事故，无严重失信行为。
二、申报时间
企业于2025年6月30日前提交申报材料。

柳州市科学技术局
2025年5月6日
"""
CONDITION_SENTENCES = {
    "（一）企业在柳州市注册满1年，2024年主营业务收入不低于2000万元。",
    "（二）申报企业须为高新技术企业或专精特新企业。",
    "（三）近三年未发生重大安全事故，无严重失信行为。",
}


@pytest.fixture(autouse=True)
def english(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def preview(client, **data):
    return client.post(PASTE_URL, {"_preview": "1", **data})


def create(client, text, **data):
    form = preview(client, text=text).context["create_form"]
    fields = {
        "text": text, "_create": "1", "title_zh": form.initial["title_zh"],
        "year": form.initial["year"], "slug": "from-notice",
        "authority": form.initial["authority"].pk if form.initial["authority"] else "",
        "source_publication": "柳州市人民政府网站",
        **{name: form.fields[name].initial for name in form.fields
           if name.startswith("new_authority_")},
    }
    return client.post(PASTE_URL, {**fields, **data})


def test_an_uploaded_docx_is_read_into_a_draft_and_its_text_put_in_the_box(admin_client, seeded):
    notice = SimpleUploadedFile("技改通知.docx", docx_bytes(CITY_NOTICE.splitlines()))
    response = preview(admin_client, text="", notice_file=notice)
    assert response.status_code == 200
    draft = response.context["draft"]
    assert str(draft.deadline.value) == "2025-05-16"
    assert response.context["form"]["text"].value().startswith("柳州市工业和信息化局关于组织申报")
    assert "<q>请企业于2025年5月16日17:30前" in response.content.decode()


def test_an_uploaded_pdf_is_read_into_a_draft(admin_client, seeded):
    notice = SimpleUploadedFile("notice.pdf", pdf_bytes(CITY_NOTICE))
    response = preview(admin_client, text="", notice_file=notice)
    assert response.context["draft"].title.value == "2025年度柳州市工业企业技术改造奖补项目"


def test_a_scanned_pdf_gets_its_error_on_the_file_field_and_no_draft(admin_client, seeded):
    notice = SimpleUploadedFile("scan.pdf", scanned_pdf_bytes())
    response = preview(admin_client, text="", notice_file=notice)
    assert response.status_code == 200
    [error] = response.context["form"].errors["notice_file"]
    assert error.startswith("“scan.pdf” has no text layer")
    assert response.context["draft"] is None


def test_text_and_a_file_together_are_refused(admin_client, seeded):
    notice = SimpleUploadedFile("n.docx", docx_bytes(["通知"]))
    response = preview(admin_client, text=CITY_NOTICE, notice_file=notice)
    assert response.context["form"].errors["notice_file"] == [
        "Paste the text or choose a file, not both."
    ]


def test_an_upload_over_the_file_limit_gets_the_page_back_naming_the_limit(admin_client, seeded):
    notice = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (MAX_BYTES + 20_000))
    response = preview(admin_client, text="", notice_file=notice)
    assert response.status_code == 413
    [error] = response.context["form"].errors["notice_file"]
    assert error.startswith("The file is larger than 10.0\xa0MB")
    assert Program.objects.count() == 1


def test_the_form_states_the_file_limit(admin_client, seeded):
    html = admin_client.get(PASTE_URL).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "A Word (.docx) or PDF attachment of at most 10.0\xa0MB" in html


def test_an_issuer_the_database_lacks_is_proposed_with_its_level_and_region(admin_client, seeded):
    response = preview(admin_client, text=CITY_NOTICE)
    form = response.context["create_form"]
    assert form.initial["authority"] is None
    assert form.fields["new_authority_name"].initial == "柳州市工业和信息化局"
    assert form.fields["new_authority_level"].initial == Authority.Level.MUNICIPAL
    assert form.fields["new_authority_region"].initial == "450200"
    assert "柳州市工业和信息化局（new，Municipal）" in response.content.decode()


def test_creating_the_program_creates_the_proposed_authority_with_it(admin_client, seeded):
    response = create(admin_client, CITY_NOTICE)
    assert response.status_code == 302
    program = Program.objects.get(slug="from-notice")
    assert program.authority.name_zh == "柳州市工业和信息化局"
    assert program.authority.region.code == "450200"
    stages = program.milestones.values_list("audience", "due_on")
    assert sorted((a, str(d)) for a, d in stages) == [
        (Milestone.Audience.APPLICANT, "2025-05-16"), (Milestone.Audience.BUREAU, "2025-05-23"),
    ]


def test_an_unknown_region_code_for_the_new_authority_is_a_form_error(admin_client, seeded):
    response = create(admin_client, CITY_NOTICE, new_authority_region="999999")
    assert response.status_code == 200
    assert response.context["create_form"].errors["new_authority_region"] == [
        "Enter the six-digit code of an existing region, e.g. 450200."
    ]
    assert not Authority.objects.filter(name_zh="柳州市工业和信息化局").exists()
    assert not Program.objects.filter(slug="from-notice").exists()


def test_a_date_in_another_year_is_shown_as_a_warning_and_must_be_checked(admin_client, seeded):
    response = preview(admin_client, text=WRONG_YEAR)
    html = response.content.decode()
    assert ("The applicant deadline (2024-06-30) is in another year than the notice (2025)."
            in html)
    assert "is before the notice&#x27;s own date (2025-05-21)" in html

    refused = create(admin_client, WRONG_YEAR)
    assert refused.status_code == 200
    assert "dates_checked" in refused.context["create_form"].errors
    assert not Program.objects.filter(slug="from-notice").exists()

    accepted = create(admin_client, WRONG_YEAR, dates_checked="on")
    assert accepted.status_code == 302


def test_a_rolling_call_is_created_unpublished_without_a_deadline(admin_client, seeded):
    response = preview(admin_client, text=ROLLING)
    html = response.content.decode()
    assert "Rolling call: no deadline (常年受理)" in html
    assert "created without a deadline and stays unpublished" in html

    created = create(admin_client, ROLLING, dates_checked="on")
    assert created.status_code == 302
    program = Program.objects.get(slug="from-notice")
    assert program.deadline is None and not program.is_published
    assert program.deadline_clause == "后补助申请实行常年受理，材料齐全的按月评审。"


def test_the_draft_shows_each_proposed_condition_row_with_its_source_sentence(admin_client,
                                                                             seeded):
    html = preview(admin_client, text=CONDITIONS).content.decode()
    assert "Main-business revenue in 2024: at least 2000 10,000 yuan." in html
    assert "Years since registration: at least 1 years." in html
    assert "高新技术企业 · group 1" in html and "专精特新中小企业 · group 1" in html
    assert "近三年未发生重大安全事故，无严重失信行为" in html
    for sentence in CONDITION_SENTENCES:
        assert f"<q>{sentence}</q>" in html


def test_creating_the_program_creates_its_condition_rows_citing_their_sentences(admin_client,
                                                                                seeded):
    response = create(admin_client, CONDITIONS)
    assert response.status_code == 302
    program = Program.objects.get(slug="from-notice")
    thresholds = program.fact_thresholds.values_list("fact", "bound", "value", "year", "clause")
    assert sorted((f, b, int(v), y) for f, b, v, y, _c in thresholds) == [
        ("main_revenue", "at_least", 2000, 2024), ("years_registered", "at_least", 1, None),
    ]
    required = program.qualification_requirements.values_list("qualification__code", "group")
    assert list(required) == [("high-tech-enterprise", 1), ("specialised-sme", 1)]
    [condition] = program.manual_conditions.all()
    assert condition.text_zh == "近三年未发生重大安全事故，无严重失信行为"
    clauses = {t[-1] for t in thresholds} | {
        c for c in program.qualification_requirements.values_list("clause", flat=True)
    } | {condition.clause}
    assert clauses == CONDITION_SENTENCES
    # Not also on the checklist: the condition is confirmed once, where it decides the verdict.
    assert not program.checklist_items.exists()


@time_machine.travel(datetime.datetime(2025, 5, 10, 2, tzinfo=datetime.UTC), tick=False)
def test_the_created_rows_are_ordinary_rows_the_impact_preview_weighs(admin_client, seeded,
                                                                       liugang):
    create(admin_client, CONDITIONS)
    program = Program.objects.get(slug="from-notice")
    # 柳钢集团 meets every other condition it can be judged on: only its revenue fails.
    OrganizationFact.objects.create(organization=liugang, fact="main_revenue", year=2024,
                                    value=1500)
    HeldQualification.objects.create(organization=liugang, valid_until=datetime.date(2027, 12, 31),
                                     qualification=Qualification.objects.get(code="high-tech-enterprise"))
    liugang.registered_on = datetime.date(1958, 7, 1)
    liugang.save()
    track(organization=liugang, program=program)
    page = admin_client.get(f"/admin/tracker/program/{program.pk}/change/").content.decode()
    assert 'name="fact_thresholds-TOTAL_FORMS" value="2"' in page
    revenue = next(i for i, t in enumerate(program.fact_thresholds.all())
                   if t.fact == "main_revenue")

    # Lowering the revenue bar to 1000万元 lets 柳钢集团's 1500万元 pass: shown before saving.
    response = edit(admin_client, program, **{f"fact_thresholds-{revenue}-value": "1000"})

    assert response.templates[0].name == PREVIEW
    [(organization, before, after)] = response.context["changes"]
    assert organization == liugang and before != after
    assert FactThreshold.objects.get(program=program, fact="main_revenue").value == 2000
    assert QualificationRequirement.objects.filter(program=program).count() == 2
    assert ManualCondition.objects.filter(program=program).count() == 1

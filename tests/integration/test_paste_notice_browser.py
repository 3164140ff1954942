"""An administrator uploads a notice as a Word file in a real browser and creates its program."""

import pytest

from tests.browser import launched, log_in_to_the_admin, shot
from tests.notices.files import docx_bytes
from tracker.models import Program

pytestmark = pytest.mark.integration

NOTICE = [
    "柳州市工业和信息化局关于组织申报2025年度柳州市工业企业技术改造奖补项目的通知",
    "各县、区工业和信息化主管部门，各有关企业：",
    "一、支持对象",
    "重点支持汽车、钢铁、机械三大支柱产业和智能终端、新能源、新材料等新兴产业的技术改造项目。",
    "二、奖补标准",
    "按项目设备投资额的10%给予奖补，单个项目最高奖补500万元。",
    "三、申报时间",
    # Typed with last year's year: the draft warns, and asks to confirm.
    "请企业于2024年5月16日17:30前将申报材料报送所在县区工信部门，各县区工信部门于5月23日前报送我局。",
    "四、申报材料",
    "1.技术改造奖补申请表；",
    "2.项目设备购置发票清单；",
    "3.企业信用承诺书。",
    "柳州市工业和信息化局",
    "2025年4月22日",
]


def read_pasted(browser, live_server, text, shown):
    """An administrator's page with `text` pasted and read, once `shown` (a selector) is."""
    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
    log_in_to_the_admin(page, live_server.url)
    page.goto(f"{live_server.url}/admin/tracker/program/paste-notice/")
    page.fill("#id_text", text)
    page.locator("input[name=_preview]").click()
    page.locator(shown).wait_for()
    return page


def test_an_administrator_uploads_a_docx_notice_and_creates_its_program(
    seeded, staff_user, live_server, chromium, tmp_path
):
    notice = tmp_path / "技改奖补通知.docx"
    notice.write_bytes(docx_bytes(NOTICE))
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
        log_in_to_the_admin(page, live_server.url)
        page.goto(f"{live_server.url}/admin/tracker/program/paste-notice/")
        page.set_input_files("#id_notice_file", str(notice))
        page.locator("input[name=_preview]").click()
        page.locator("#draft").wait_for()
        warnings = page.locator("#draft-warnings li").all_inner_texts()
        assert warnings == [
            "申报截止日期（2024-05-16）与通知所在年份（2025）不一致。",
            "申报截止日期（2024-05-16）早于通知的发布日期（2025-04-22）。",
        ]
        assert page.input_value("#id_new_authority_name") == "柳州市工业和信息化局"
        assert page.input_value("#id_new_authority_region") == "450200"
        shot(page, "paste-notice-draft")

        page.fill("#id_slug", "liuzhou-tech-upgrade-2025")
        page.fill("#id_source_publication", "柳州市工业和信息化局网站")
        # Unticked, the browser itself refuses to send the form: nothing is created.
        page.locator("input[name=_create]").click()
        assert page.locator("#id_dates_checked").evaluate("e => e.validity.valueMissing")
        page.check("#id_dates_checked")
        page.locator("input[name=_create]").click()
        page.wait_for_url("**/change/")
        page.close()

    program = Program.objects.get(slug="liuzhou-tech-upgrade-2025")
    assert program.authority.name_zh == "柳州市工业和信息化局"
    assert [s.name_zh for s in program.sectors_in_order()] == ["智能终端", "新能源", "新材料"]
    assert program.checklist_items.count() == 3


def test_an_administrator_sees_next_years_notice_against_the_last_edition(
    seeded, pilot_base, staff_user, live_server, chromium
):
    from tests.notices.test_editions import NEXT_YEAR

    with launched(chromium) as browser:
        page = read_pasted(browser, live_server, NEXT_YEAR, "#edition-changes")
        deadline = page.locator("#edition-changes tr", has_text="申报截止日期").inner_text()
        assert "2025-04-20" in deadline and "2026-04-20" in deadline
        assert "同月同日，推后一年" in deadline
        assert page.is_checked("#id_next_edition")
        shot(page, "paste-notice-edition-changes")
        page.fill("#id_slug", "guangxi-pilot-base-2026")
        page.fill("#id_source_publication", "广西科技厅网站")
        page.locator("input[name=_create]").click()
        page.wait_for_url("**/change/")
        page.close()

    assert Program.objects.get(slug="guangxi-pilot-base-2026").cloned_from == pilot_base


def test_an_administrator_sees_the_notices_conditions_as_rows_and_creates_them(
    seeded, staff_user, live_server, chromium
):
    from tests.admin.test_paste_notice import CONDITIONS

    with launched(chromium) as browser:
        page = read_pasted(browser, live_server, CONDITIONS, "#draft")
        thresholds = page.locator("#draft tr", has_text="2024年主营业务收入不低于2000万元")
        assert "主营业务收入" in thresholds.first.inner_text()
        qualification = page.locator("#draft tr", has_text="高新技术企业 · 组 1").inner_text()
        assert "须为高新技术企业或专精特新企业" in qualification
        shot(page, "paste-notice-conditions")
        page.fill("#id_slug", "liuzhou-rd-award-2025")
        page.fill("#id_source_publication", "柳州市科学技术局网站")
        page.locator("input[name=_create]").click()
        page.wait_for_url("**/change/")
        page.close()

    program = Program.objects.get(slug="liuzhou-rd-award-2025")
    assert program.fact_thresholds.count() == 2
    assert program.qualification_requirements.count() == 2
    assert program.manual_conditions.count() == 1

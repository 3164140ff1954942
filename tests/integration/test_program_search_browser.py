"""The program list's search and filters in a real browser (Debian's Chromium, headless)."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import launched, page_errors, pick_region, shot

pytestmark = pytest.mark.integration

TITLE = "2025年广西科技成果转化中试研究基地认定"


def test_a_visitor_searches_two_characters_and_narrows_to_a_county(
    seeded, live_server, during_the_call, chromium
):
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN")
        errors = page_errors(page)
        page.goto(f"{live_server.url}/programs/")
        page.get_by_label("关键词").fill("中试")
        pick_region(page, "广西壮族自治区", "柳州市", "城中区")
        page.select_option("#id_kind", "enterprise")
        page.get_by_role("button", name="搜索").click()
        page.locator("article", has_text=TITLE).wait_for()
        marked = page.locator("article mark").all_inner_texts()
        query = parse_qs(urlparse(page.url).query)
        shot(page, "program-search")
        # The same URL, shared, shows the same list.
        page.goto(page.url)
        shared = page.locator("article h3").all_inner_texts()

        page.goto(f"{live_server.url}/programs/?q=中试&region=110000")
        nothing = page.get_by_text("没有符合筛选条件的项目").is_visible()
        page.goto(f"{live_server.url}/programs/?deadline_from=2025-13-40&posted=365")
        shot(page, "program-search-errors")
        bad_date = page.get_by_text("日期请按YYYY-MM-DD填写").is_visible()

    assert set(marked) == {"中试"}
    assert query["q"] == ["中试"] and query["region_county"] == ["450202"]
    assert [title.strip() for title in shared] == [TITLE]
    assert nothing and bad_date
    assert errors == []

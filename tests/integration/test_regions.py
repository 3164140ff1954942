"""The cascading division picker in a real browser (Debian's Chromium, headless): with its
script, each choice fetches the next list; without it, each submission shows the next list."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import launched, page_errors, pick_region, shot

pytestmark = pytest.mark.integration

TITLE = "2025年广西科技成果转化中试研究基地认定"


def test_a_visitor_picks_province_city_and_county_in_the_self_check(
    seeded, live_server, during_the_call, chromium
):
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN")
        errors = page_errors(page)
        page.goto(f"{live_server.url}/check/")
        assert page.locator("#id_region_city").is_hidden()
        pick_region(page, "广西壮族自治区", "柳州市", "城中区")
        shot(page, "regions-picked")
        page.select_option("#id_kind", "enterprise")
        page.locator("form.stacked button[type=submit]").click()
        page.locator("article", has_text=TITLE).wait_for()
        query = parse_qs(urlparse(page.url).query)
        chosen = [page.locator(f"#id_region_{level} option:checked").inner_text()
                  for level in ("province", "city", "county")]
        # A municipality: its districts come straight under it, the city select is hidden.
        pick_region(page, "北京市")
        page.locator("#id_region_county option", has_text="海淀区").wait_for(state="attached")
        municipality_hides_cities = page.locator("#id_region_city").is_hidden()
        shot(page, "regions-municipality")

    assert query["region_county"] == ["450202"]
    assert chosen == ["广西壮族自治区", "柳州市", "城中区"]
    assert municipality_hides_cities
    assert errors == []


def test_without_javascript_each_submission_offers_the_next_level(
    seeded, live_server, during_the_call, chromium
):
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN", java_script_enabled=False)
        page.goto(f"{live_server.url}/check/")
        page.select_option("#id_region_province", label="广西壮族自治区")
        page.locator("form.stacked button[type=submit]").click()
        page.select_option("#id_region_city", label="柳州市")
        page.locator("form.stacked button[type=submit]").click()
        page.select_option("#id_region_county", label="城中区")
        page.locator("form.stacked button[type=submit]").click()
        page.locator("article", has_text=TITLE).wait_for()
        shot(page, "regions-without-javascript")
        query = parse_qs(urlparse(page.url).query)

    assert query["region_county"] == ["450202"]

"""The open data API's docs page in a real browser (Debian's Chromium, headless): it renders
under the site's Content-Security-Policy from our own static files."""

import pytest

from tests.browser import launched, page_errors, shot

pytestmark = pytest.mark.integration


def test_the_api_docs_show_the_program_list_with_its_parameters(seeded, live_server, chromium):
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN")
        errors = page_errors(page)
        page.goto(f"{live_server.url}/api/v1/docs")
        page.get_by_text("/api/v1/programs/{slug}").wait_for()
        shot(page, "api-docs")
        shown = page.locator("body").inner_text()

    assert "/api/v1/programs" in shown
    assert errors == []

"""A firm assigns a checklist item and uploads its file in a real browser; screenshots of the
card at 1366 and 390 px."""

import datetime

import pytest

from tests.browser import ARTIFACTS, launched
from tracker.models import Attachment, ItemWork

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.7\n" + b"x" * 2000


def test_a_firm_assigns_an_item_uploads_its_file_and_downloads_it(
    seeded, firm_user, live_server, during_the_call, chromium, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    firm_user.first_name, firm_user.last_name = "三", "张"
    firm_user.save()

    with launched(chromium) as browser:
        downloaded = assign_and_upload(browser, live_server.url)

    work = ItemWork.objects.select_related("owner", "item").get()
    assert (work.item.title_zh, work.owner, work.due_on) == (
        "认定申报材料", firm_user, datetime.date(2025, 4, 15)
    )
    assert Attachment.objects.get().original_name == "营业执照.pdf"
    assert downloaded == PDF


def assign_and_upload(browser, site):
    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page.goto(f"{site}/accounts/login/?next=/my/")
    page.fill("#id_login", "liugang@example.com")
    page.fill("#id_password", "pw")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")
    # The dashboard lists the applications; the checklist and the forms are on each one's page.
    page.locator("ol.application-lines h2 a").first.click()
    page.wait_for_url("**/my/applications/*/")

    item = page.locator("ul.checklist > li", has_text="认定申报材料")
    item.locator("summary").click()
    form = item.locator("form.item-form")
    form.locator("select[name=owner]").select_option(label="三 张")
    form.locator("textarea[name=note]").fill("原件扫描，加盖公章")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/my/applications/*/")

    card = page.locator("article.card")
    card.locator(".messages li", has_text="认定申报材料").wait_for()
    assert "三 张" in card.locator("p.materials").inner_text()
    item = page.locator("ul.checklist > li", has_text="认定申报材料")
    item.locator("summary").click()
    page.screenshot(path=ARTIFACTS / "materials-card-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "materials-card-390.png", full_page=True)

    with page.expect_download() as download_info:
        item.get_by_role("link", name="营业执照.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "营业执照.pdf"
    with open(download.path(), "rb") as file:
        return file.read()

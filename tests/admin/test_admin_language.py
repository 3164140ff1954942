"""The admin in Chinese, the site's default language: no English left where an administrator
enters programs and organizations, imports and exports them."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from tracker.models import Organization, Program


class VisibleText(HTMLParser):
    """The words a reader sees: text outside <script> and <style>, plus the labels that
    attributes show (title, placeholder, aria-label, a button's value)."""

    SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        attrs = dict(attrs)
        self.parts += [v for k, v in attrs.items() if k in self.SHOWN_ATTRIBUTES and v]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(response):
    parser = VisibleText()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def english_names(model):
    """What an untranslated page would show for `model`'s fields: the English verbose names,
    the raw names and the library's title-cased raw names ("Max Co Builders")."""
    names = set()
    with translation.override("en"):
        for field in model._meta.get_fields():
            if not hasattr(field, "verbose_name"):
                continue
            names.add(capfirst(str(field.verbose_name)))
            names.add(field.name)
            names.add(field.name.replace("_", " ").title())
    # Single common words also used in Chinese pages as codes or in URLs are not evidence.
    return {n for n in names if len(n) > 3 and n not in ("slug", "year", "kind", "Year", "Kind")}


@pytest.fixture
def chinese_admin(admin_client, seeded):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return admin_client


def pages(pilot_base):
    liugang = Organization.objects.get(name_zh="柳钢集团")
    return {
        Program: [
            reverse("admin:tracker_program_changelist"),
            reverse("admin:tracker_program_add"),
            reverse("admin:tracker_program_change", args=[pilot_base.pk]),
            reverse("admin:tracker_program_import"),
            reverse("admin:tracker_program_export"),
        ],
        Organization: [
            reverse("admin:tracker_organization_changelist"),
            reverse("admin:tracker_organization_add"),
            reverse("admin:tracker_organization_change", args=[liugang.pk]),
            reverse("admin:tracker_organization_import"),
            reverse("admin:tracker_organization_export"),
        ],
    }


def test_no_english_field_name_is_left_on_the_program_and_organization_pages(
    chinese_admin, pilot_base
):
    leftovers = {}
    for model, urls in pages(pilot_base).items():
        names = english_names(model)
        for url in urls:
            response = chinese_admin.get(url)
            assert response.status_code == 200, url
            text = visible_text(response)
            found = sorted(
                name for name in names if re.search(rf"(?<![\w/]){re.escape(name)}(?![\w/])", text)
            )
            if found:
                leftovers[url] = found
    assert leftovers == {}


def test_the_admin_index_groups_are_chinese_and_the_apps_own_comes_first(chinese_admin):
    response = chinese_admin.get(reverse("admin:index"))
    groups = [app["name"] for app in response.context["app_list"]]
    assert groups[0] == "政策申报追踪" and "登录限制" in groups
    text = visible_text(response)
    assert "AXES" not in text and "Access attempts" not in text
    assert not re.search(r"\b(Django Q|Tasks|Schedules|Accounts|Email addresses)\b", text)


def test_every_string_the_admins_scripts_ask_for_has_a_chinese_translation(chinese_admin):
    """The two-box picker of 可申报地区 ("Choose all %s"…) and the rest: each gettext() of the
    admin's scripts is in the catalogue its jsi18n view serves."""
    served = chinese_admin.get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", served, re.S).group(1))
    asked = set()
    for script in (Path(admin.__file__).parent / "static" / "admin" / "js").glob("*.js"):
        asked |= set(re.findall(r"\bgettext\('([^']+)'\)", script.read_text(encoding="utf-8")))
    assert "Choose all %s" in asked
    assert sorted(msgid for msgid in asked if not catalog.get(msgid)) == []
    assert catalog["Choose all %s"] == "全选%s"

import re

import pytest
from django import forms
from django.utils import translation

from tracker.models import CatalogVersion, Region
from tracker.selectors import regions as region_selectors
from tracker.selectors.programs import OpenCatalog
from tracker.web.forms import OrganizationForm, SelfCheckForm
from tracker.web.widgets import PlainCheckboxes, PlainSelect, RegionPicker


@pytest.fixture(autouse=True)
def in_english():
    """Labels and errors are asserted on their English msgids, whatever is compiled."""
    with translation.override("en"):
        yield


def selected(html):
    """{select name: the text of its selected option}."""
    found = {}
    for name, body in re.findall(r'<select name="([^"]+)".*?>(.*?)</select>', html, re.S):
        choice = re.search(r"<option[^>]* selected>([^<]*)</option>", body)
        found[name] = choice.group(1) if choice else None
    return found


def squeezed(html):
    """`html` with each run of whitespace one space, and none between tags."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_an_organization_registered_in_a_county_shows_its_province_city_and_county(seeded):
    county = Region.objects.get(code="450202")

    html = str(OrganizationForm(initial={"region": county})["region"])

    # In English: the counties have no English name, and show their Chinese one.
    assert selected(html) == {
        "region_province": "Guangxi Zhuang Autonomous Region",
        "region_city": "Liuzhou",
        "region_county": "城中区",
    }
    assert "桂林市" in html and "鱼峰区" in html  # the neighbours, to change the choice
    assert "海淀区" not in html  # not every county of the country


def test_each_select_has_its_own_label(seeded):
    html = str(SelfCheckForm()["region"])

    for level, label in [("province", "Province"), ("city", "City"),
                         ("county", "County / district")]:
        assert f'<label for="id_region_{level}">{label}</label>' in html
    assert 'data-children-url="/regions/000000/children/"' in html


def test_without_a_choice_only_the_provinces_are_offered(seeded, django_assert_num_queries):
    choices = OpenCatalog().choices()
    with django_assert_num_queries(0):
        html = str(SelfCheckForm(choices=choices)["region"])

    assert html.count("<option") == 31 + 3  # the provinces, and "not given" in each select
    assert html.count(" hidden>") == 2  # the empty city and county selects


def test_the_divisions_are_read_once_per_catalog_stamp(seeded, django_assert_num_queries):
    region_selectors._divisions.clear()
    # The stamp and every division.
    with django_assert_num_queries(2):
        first = str(OrganizationForm(initial={"region": "450202"})["region"])
    # The stamp only.
    with django_assert_num_queries(1):
        again = str(OrganizationForm(initial={"region": "450202"})["region"])
    # None when the form is given the divisions (the self-check's, kept with its copy).
    choices = OpenCatalog().choices()
    with django_assert_num_queries(0):
        given = str(SelfCheckForm(initial={"region": "450202"}, choices=choices)["region"])

    assert first == again == given
    assert '<option value="450202" data-level="county" selected>' in first


def test_a_municipality_offers_its_districts_in_the_county_select(seeded):
    html = str(SelfCheckForm({"region_province": "110000"})["region"])

    assert 'value="110108"' in html
    assert selected(html)["region_province"] == "Beijing"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"region_province": "450000", "region_city": "450200", "region_county": "450202"},
         "450202"),
        ({"region_province": "450000", "region_city": "450200", "region_county": ""}, "450200"),
        ({"region_province": "110000", "region_city": "", "region_county": "110108"}, "110108"),
        # The province changed without JavaScript: the old city and county no longer apply.
        ({"region_province": "420000", "region_city": "450200", "region_county": "450202"},
         "420000"),
        ({"region_province": "", "region_city": "", "region_county": ""}, None),
        ({}, None),
    ],
)
def test_the_value_is_the_deepest_choice_inside_the_ones_above_it(data, code):
    assert RegionPicker().value_from_datadict(data, {}, "region") == code


def test_a_chosen_county_is_the_form_value(seeded):
    form = SelfCheckForm(
        {"region_province": "450000", "region_city": "450200", "region_county": "450202"}
    )

    assert form.is_valid()
    assert form.cleaned_data["region"] == Region.objects.get(code="450202")


@pytest.mark.parametrize("code", ["459999", "x", "99999999999999999999"])
def test_a_code_that_is_no_division_is_an_error_on_the_field(seeded, code):
    form = SelfCheckForm({"region_province": code})

    assert not form.is_valid()
    assert form.errors["region"] == [
        f"No division has the code “{code}”: choose one from the lists."
    ]


@pytest.mark.parametrize("value", ["", "a", "g2", None])
def test_the_plain_select_writes_the_markup_of_djangos_select(value):
    """Django's select template's markup, whitespace aside: option groups, the chosen option,
    attributes, and every label and value escaped."""
    choices = [
        ("", "Any <kind>"), ("a", "A & B"), ('Group "1"', [("g1", "G1"), ("g2", "G<2>")]),
    ]
    attrs = {"id": "id_f", "required": True, "data-x": 'say "hi"'}

    plain = PlainSelect(choices=choices).render("f", value, attrs)
    django = forms.Select(choices=choices).render("f", value, attrs)

    assert re.sub(r">\s+<", "><", django).strip() == plain
    assert "<script" not in plain and "Any &lt;kind&gt;" in plain


@pytest.mark.parametrize("value", [[], ["a"], ["a", "g2"], None])
def test_the_plain_checkboxes_write_the_markup_of_djangos_checkbox_list(value):
    """Django's checkbox list markup, whitespace aside: option groups, the checked boxes,
    attributes, and every label and value escaped."""
    choices = [("a", "A & B"), ('Group "1"', [("g1", "G1"), ("g2", "G<2>")]), (3, "Three")]
    attrs = {"id": "id_f", "class": "boxes", "data-x": 'say "hi"', "disabled": True}

    plain = PlainCheckboxes(choices=choices).render("f", value, attrs)
    django = forms.CheckboxSelectMultiple(choices=choices).render("f", value, attrs)

    assert squeezed(plain) == squeezed(django)
    assert "<script" not in plain and "G&lt;2&gt;" in plain


def test_a_division_s_name_is_escaped_in_the_picker(seeded):
    Region.objects.filter(code="450202").update(name_en="<b>Chengzhong</b>")
    CatalogVersion.bump()  # a bulk update sends no signal

    html = str(OrganizationForm(initial={"region": "450202"})["region"])

    assert "&lt;b&gt;Chengzhong&lt;/b&gt;" in html and "<b>" not in html

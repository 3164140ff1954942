"""The pieces rendered in Python (`tracker.web.tags`): the markup the templates had, every text
escaped."""

import pytest
from django.template import engines
from django.utils import translation

from tracker.eligibility import Finding, Outcome
from tracker.models import Application


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def rendered(finding, **context):
    template = engines["django"].from_string(
        "{% load tracker %}{% finding_items findings confirm_for=application "
        "with_requirement=with_requirement %}"
    )
    return template.render({"findings": [finding], **context})


def condition(outcome, **changes):
    values = dict(
        rule="manual", label="Please confirm yourself", requirement="No <b>serious</b> record",
        outcome=outcome, reason="Not known & not checked", citation="近三年无“严重失信”记录",
        fix="Tick it", confirm=7,
    )
    return Finding(**{**values, **changes})


def test_a_finding_shows_its_label_outcome_reason_fix_and_clause_escaped():
    html = rendered(condition(Outcome.UNKNOWN))

    assert html == (
        '<li><strong>Please confirm yourself</strong> <span class="badge unknown">'
        "Not known yet</span>\n<div>Not known &amp; not checked</div>\n"
        '<div class="fix">What to do: Tick it</div>\n'
        '<blockquote class="citation" lang="zh-hans">The notice says: “近三年无“严重失信”记录”'
        "</blockquote>\n</li>"
    )


def test_the_statement_shows_the_requirement_and_a_finding_without_fix_or_clause_omits_them():
    html = rendered(condition(Outcome.PASS, fix="", citation=""), with_requirement=True)

    assert "<div>No &lt;b&gt;serious&lt;/b&gt; record</div>" in html
    assert "fix" not in html and "blockquote" not in html


@pytest.mark.parametrize(
    ("status", "outcome", "box"),
    [
        (Application.Status.PREPARING, Outcome.PASS,
         '<input type="checkbox" name="conditions" value="7" form="confirm-5" checked>'),
        (Application.Status.PREPARING, Outcome.UNKNOWN,
         '<input type="checkbox" name="conditions" value="7" form="confirm-5">'),
        (Application.Status.SUBMITTED, Outcome.PASS, None),
    ],
)
def test_an_open_application_s_card_has_the_box_confirming_a_condition(status, outcome, box):
    application = Application(pk=5, status=status)

    html = rendered(condition(outcome), application=application)

    if box is None:
        assert "<input" not in html
    else:
        assert f'<label class="confirm">{box} We meet this</label>' in html


def test_the_self_check_has_no_box_to_confirm():
    assert "<input" not in rendered(condition(Outcome.UNKNOWN))


def test_the_tags_words_read_in_chinese():
    application = Application(pk=5, status=Application.Status.PREPARING)
    with translation.override("zh-hans"):
        html = rendered(condition(Outcome.UNKNOWN), application=application)

    assert "我们符合此条件" in html and "处理建议：Tick it" in html and "通知原文：" in html


def badge(status, days_left):
    template = engines["django"].from_string("{% load tracker %}{% days_left_badge s d %}")
    return template.render({"s": status, "d": days_left})


@pytest.mark.parametrize(
    ("status", "days_left", "html"),
    [
        ("open", 12, '<span class="badge open">Days left: 12</span>'),
        ("closing", 0, '<span class="badge closing">Last day today</span>'),
        ("upcoming", 30, '<span class="badge upcoming">Not open yet</span>'),
        ("closed", -3, '<span class="badge closed">Closed</span>'),
        ("draft", None, '<span class="badge draft">Dates not set</span>'),
    ],
)
def test_the_deadline_badge_counts_days_only_while_applications_are_taken(
    status, days_left, html
):
    assert badge(status, days_left) == html

"""Rendering one reminder email (tracker/emails.py)."""

import datetime

import icalendar
import pytest
import time_machine
from django.core.mail import BadHeaderError

from tracker import emails, reminders
from tracker.models import ChecklistItem, ChecklistTick, Contact, Reminder

# 09:30 in Shanghai, 7 days before the deadline.
NOW = datetime.datetime(2025, 4, 13, 1, 30, tzinfo=datetime.timezone.utc)


@pytest.fixture
def reminder(pilot_base):
    with time_machine.travel(NOW, tick=False):
        reminders.plan()
    return Reminder.objects.select_related(*reminders.SENDING_RELATED).get()


def render(reminder):
    with time_machine.travel(NOW, tick=False):
        return emails.reminder_message(reminder)


def test_it_writes_to_a_chinese_reader_with_chinese_dates_and_titles(reminder):
    message = render(reminder)
    assert message.to == ["liugang-demo@example.com"]
    assert message.subject.startswith("[中试基地] 申报材料截止")
    assert "2025年4月20日" in message.subject
    assert "2025年广西科技成果转化中试研究基地认定" in message.body
    assert "2025年4月20日" in message.body and "Asia/Shanghai" in message.body
    html = message.alternatives[0][0]
    assert "2025年4月20日" in html and html.startswith("<!DOCTYPE html>")


def test_it_writes_to_an_english_reader_in_english(reminder):
    Contact.objects.filter(pk=reminder.contact_id).update(language="en")
    reminder.contact.refresh_from_db()
    message = render(reminder)
    assert message.subject == "[Pilot base] Application materials due: 7 days left (April 20, 2025)"
    assert "April 20, 2025, end of day (Asia/Shanghai time)" in message.body
    assert "Days left: 7" in message.body
    assert "Certification application materials" in message.body


def test_it_lists_only_the_required_items_still_unticked(reminder):
    items = {item.title_zh: item for item in ChecklistItem.objects.all()}
    assert "联合共建单位名单（不超过5个）" in render(reminder).body  # 柳钢 has co-builders
    ChecklistTick.objects.create(application=reminder.application, item=items["认定申报材料"])
    reminder.application.co_builders.all().delete()
    body = render(reminder).body
    assert "认定申报材料" not in body and "联合共建单位名单" not in body


def test_it_carries_one_click_unsubscribe_and_the_reminder_key(reminder, settings):
    message = render(reminder)
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(settings.SITE_URL + "/unsubscribe/")
    assert Reminder.reader_for_token(url.rstrip("/").rsplit("/", 1)[1]) == reminder.contact
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["X-Reminder-Key"] == f"c{reminder.contact_id}:" + (
        f"{reminder.milestone_id}:7:v1"
    )
    assert url in message.body


def test_it_attaches_a_calendar_event_on_the_due_date(reminder):
    name, content, mimetype = render(reminder).attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime.date(2025, 4, 20)
    assert event.decoded("dtend") == datetime.date(2025, 4, 21)
    assert event["sequence"] == 1


def test_it_cleans_a_program_title_before_it_goes_into_the_subject(reminder):
    program = reminder.milestone.program
    program.title_zh = program.short_name_zh = "申报通知\r\nBcc: victim@example.com"
    message = render(reminder)
    assert "\n" not in message.subject and "\r" not in message.subject
    try:
        message.message()
    except BadHeaderError:  # pragma: no cover - the failure this test guards against
        pytest.fail("a newline reached a header")

"""Rendering reminder emails, one at a time and a batch at once (tracker/emails.py)."""

import datetime
import email
import email.policy

import icalendar
import pytest
import time_machine
from django.core.mail import BadHeaderError
from django.core.mail.message import sanitize_address
from django.test.signals import template_rendered
from django.utils.html import escape

from tracker.models import (
    Application,
    ChecklistItem,
    ChecklistTick,
    Contact,
    ItemWork,
    Organization,
    Reminder,
)
from tracker.notifications import emails, planning, sending
from tracker.notifications.tokens import reader_for_token

# 09:30 in Shanghai, 7 days before the deadline.
NOW = datetime.datetime(2025, 4, 13, 1, 30, tzinfo=datetime.timezone.utc)


@pytest.fixture
def reminder(pilot_base):
    with time_machine.travel(NOW, tick=False):
        planning.plan()
    return Reminder.objects.select_related(*sending.SENDING_RELATED).get()


def render(reminder):
    with time_machine.travel(NOW, tick=False):
        return emails.ReminderMails([reminder]).message(reminder)


def test_it_writes_to_a_chinese_reader_with_chinese_dates_and_titles(reminder):
    message = render(reminder)
    assert message.to == ["liugang-demo@example.com"]
    assert message.subject.startswith("[中试基地] 申报材料截止")
    assert "2025年4月20日" in message.subject
    assert "2025年广西科技成果转化中试研究基地认定" in message.body
    assert "截止时间：2025年4月20日 24时前（北京时间）" in message.body
    assert "Asia/Shanghai" not in message.body
    html = message.alternatives[0][0]
    assert "2025年4月20日" in html and html.startswith("<!DOCTYPE html>")


def test_it_greets_the_organization_and_links_to_its_checklist_and_contacts(reminder, settings):
    settings.SITE_OPERATOR, settings.SITE_CONTACT = "柳州市科技服务中心", "help@example.org"
    message = render(reminder)
    checklist = f"{settings.SITE_URL}/my/applications/{reminder.application_id}/"
    assert message.body.startswith("柳钢集团，您好：")
    assert f"在网站上打开申报清单：{checklist}" in message.body
    assert "有关项目的问题：柳州市科技局" in message.body
    assert "有关本网站的问题：柳州市科技服务中心，help@example.org" in message.body
    html = message.alternatives[0][0]
    assert "<p>柳钢集团，您好：</p>" in html and f'<a href="{checklist}">' in html


def test_it_writes_to_an_english_reader_in_english(reminder):
    Contact.objects.filter(pk=reminder.contact_id).update(language="en")
    reminder.contact.refresh_from_db()
    message = render(reminder)
    assert message.subject == "[Pilot base] Application materials due: 7 days left (April 20, 2025)"
    assert "April 20, 2025, end of day (Beijing time)" in message.body
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
    assert reader_for_token(url.rstrip("/").rsplit("/", 1)[1]) == reminder.contact
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
    assert event["sequence"] == 0  # the first version of the date


def test_it_cleans_a_program_title_before_it_goes_into_the_subject(reminder):
    program = reminder.milestone.program
    program.title_zh = program.short_name_zh = "申报通知\r\nBcc: victim@example.com"
    message = render(reminder)
    assert "\n" not in message.subject and "\r" not in message.subject
    try:
        message.message()
    except BadHeaderError:  # pragma: no cover - the failure this test guards against
        pytest.fail("a newline reached a header")


# --- A batch: each group rendered once, each reader's own parts ---------------------------------
@pytest.fixture
def batch(pilot_base):
    """Four readers due the 7-day mail. 柳钢集团 has co-builders, so all its items are open: its
    Chinese contact, a Chinese and an English colleague. 东风柳汽's English contact applies alone
    (the co-builder list is not asked of it) and has ticked nothing."""
    liugang = Organization.objects.get(name_zh="柳钢集团")
    Contact.objects.create(organization=liugang, email="liugang-2@example.com")
    Contact.objects.create(organization=liugang, email="liugang-en@example.com", language="en")
    Application.objects.create(
        organization=Organization.objects.get(name_zh="东风柳汽"),
        program=pilot_base,
        status=Application.Status.PREPARING,
    )
    with time_machine.travel(NOW, tick=False):
        planning.plan()
    due = Reminder.objects.select_related(*sending.SENDING_RELATED)
    return list(due.prefetch_related(*sending.SENDING_PREFETCH).order_by("pk"))


def rendered_templates(mails, batch):
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    try:
        with time_machine.travel(NOW, tick=False):
            return [mails.message(reminder) for reminder in batch], names
    finally:
        template_rendered.disconnect(record)


def token_of(message):
    return message.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]


def test_readers_who_would_get_the_same_mail_share_one_rendering(batch):
    messages, names = rendered_templates(emails.ReminderMails(batch), batch)
    # Three groups: 柳钢集团 in Chinese (two readers), in English, and 东风柳汽 in English.
    assert len(messages) == 4 and len(names) == 3 * 3
    assert sorted(message.to[0] for message in messages) == [
        "dflz-demo@example.com", "liugang-2@example.com", "liugang-demo@example.com",
        "liugang-en@example.com",
    ]


def test_a_shared_rendering_never_carries_one_readers_link_or_checklist_into_anothers(batch):
    messages, _ = rendered_templates(emails.ReminderMails(batch), batch)
    tokens = {message.to[0]: token_of(message) for message in messages}
    assert len(set(tokens.values())) == 4
    for message, reminder in zip(messages, batch, strict=True):
        assert reader_for_token(tokens[message.to[0]]) == reminder.reader
        html = message.alternatives[0][0]
        assert html.count(tokens[message.to[0]]) == message.body.count(tokens[message.to[0]]) == 1
        others = set(tokens.values()) - {tokens[message.to[0]]}
        assert not any(token in message.body or token in html for token in others)
        key = message.extra_headers["X-Reminder-Key"]
        assert key == f"{reminder.recipient_key}:{reminder.milestone_id}:7:v1"
    by_reader = {message.to[0]: message for message in messages}
    assert "联合共建单位名单" in by_reader["liugang-2@example.com"].body
    assert "List of joint co-building units" in by_reader["liugang-en@example.com"].body
    dflz = by_reader["dflz-demo@example.com"].body
    assert "Certification application materials" in dflz and "co-building" not in dflz
    assert "Days left: 7" in dflz and "剩余" not in dflz


def test_the_calendar_event_is_in_the_readers_language(batch):
    messages, _ = rendered_templates(emails.ReminderMails(batch), batch)
    summaries = {
        message.to[0]: icalendar.Calendar.from_ical(message.attachments[0][1])
        .walk("VEVENT")[0]["summary"]
        for message in messages
    }
    assert summaries["liugang-demo@example.com"] == "中试基地: 申报材料截止"
    assert summaries["liugang-en@example.com"] == "Pilot base: Application materials due"


def test_the_bytes_spliced_for_smtp_say_what_djangos_own_message_says(batch):
    mails = emails.ReminderMails(batch)
    with time_machine.travel(NOW, tick=False):
        for reminder in batch:
            sender, recipients, data = mails.sendmail_args(reminder)
            django_made = mails.message(reminder).message().as_bytes(linesep="\r\n")
            spliced, expected = (
                email.message_from_bytes(raw, policy=email.policy.default)
                for raw in (data, django_made)
            )
            assert recipients == [reminder.reader.email]
            assert sender.endswith("<reminders@localhost>") and sender.isascii()
            for name in ["Subject", "From", "To", "List-Unsubscribe", "List-Unsubscribe-Post",
                         "X-Reminder-Key", "MIME-Version"]:
                # Django folds the long List-Unsubscribe onto a continuation line.
                assert spliced[name].strip() == expected[name].strip(), name
            assert spliced["Date"] and spliced["Message-ID"] != expected["Message-ID"]
            assert [(part.get_content_type(), part.get_content()) for part in leaves(spliced)] == [
                (part.get_content_type(), part.get_content()) for part in leaves(expected)
            ]


def leaves(message):
    return [part for part in message.walk() if not part.is_multipart()]


def test_a_group_with_a_line_too_long_for_8bit_is_not_spliced(batch):
    # Django sends such a text quoted-printable, which may break the token placeholder up.
    batch[0].milestone.title_zh = "认定申报材料截止" * 50  # one body line of 1,200 bytes
    mails = emails.ReminderMails(batch[:1])
    assert mails.sendmail_args(batch[0]) is None
    message = mails.message(batch[0])
    assert token_of(message) in message.body and token_of(message) in message.alternatives[0][0]


def test_each_change_notice_names_the_date_its_own_reader_was_last_told(pilot_base):
    liugang = Contact.objects.get(email="liugang-demo@example.com")
    colleague = Contact.objects.create(organization=liugang.organization, email="c@example.com")
    for deadline in ["2025-04-25", "2025-04-30"]:  # version 3
        pilot_base.deadline = datetime.date.fromisoformat(deadline)
        pilot_base.save()
    milestone = pilot_base.milestones.get(kind="deadline")

    def row(contact, version, due_on, status, lead_days=7):
        return Reminder.objects.create(
            milestone=milestone, application=liugang.organization.applications.get(),
            contact=contact, recipient_key=Reminder.key_for(contact), lead_days=lead_days,
            version=version, due_on=datetime.date.fromisoformat(due_on), status=status,
            next_attempt_at=NOW, sent_at=NOW,
        )

    row(liugang, 1, "2025-04-20", Reminder.Status.SENT)
    row(colleague, 1, "2025-04-20", Reminder.Status.SENT)
    row(colleague, 2, "2025-04-25", Reminder.Status.SENT)
    notices = [
        row(reader, 3, "2025-04-30", Reminder.Status.PENDING, Reminder.CHANGE_NOTICE)
        for reader in (liugang, colleague)
    ]
    mails = emails.ReminderMails(notices)
    told_liugang, told_colleague = (mails.message(notice).body for notice in notices)
    assert "2025年4月20日" in told_liugang and "2025年4月25日" not in told_liugang
    assert "2025年4月25日" in told_colleague and "2025年4月20日" not in told_colleague


@pytest.mark.parametrize(
    "address",
    ["firm@example.com", "张三@例子.公司", "Firm <firm@example.com>", "a@b.com\nBcc: x@y.com"],
)
def test_an_envelope_address_is_what_djangos_sanitising_makes_of_it(settings, address):
    try:
        expected = sanitize_address(address, settings.DEFAULT_CHARSET)
    except ValueError:
        with pytest.raises(ValueError):
            emails.envelope_address(address)
    else:
        assert emails.envelope_address(address) == expected


# --- Who prepares each open item, and by when ---------------------------------------------------
@pytest.fixture
def assigned(reminder, django_user_model):
    """In 柳钢集团's application, Zhang San prepares the application materials by April 15; the
    co-builder list has a date but nobody responsible yet."""
    zhang = django_user_model.objects.create_user(
        "zhang", "zhang@example.com", "pw", first_name="San", last_name="Zhang"
    )
    items = {item.title_zh: item for item in ChecklistItem.objects.all()}
    ItemWork.objects.create(
        application=reminder.application, item=items["认定申报材料"], owner=zhang,
        due_on=datetime.date(2025, 4, 15),
    )
    ItemWork.objects.create(
        application=reminder.application, item=items["联合共建单位名单（不超过5个）"],
        due_on=datetime.date(2025, 4, 18),
    )
    return reminder


def test_each_open_item_names_who_prepares_it_by_when_in_english(assigned):
    Contact.objects.filter(pk=assigned.contact_id).update(language="en")
    assigned.contact.refresh_from_db()

    message = render(assigned)

    assert "Certification application materials (responsible: San Zhang, due April 15)" in (
        message.body
    )
    assert "(responsible: nobody yet, due April 18)" in message.body
    assert "(responsible: San Zhang, due April 15)" in message.alternatives[0][0]


def test_the_due_date_of_an_item_is_written_the_chinese_way_for_a_chinese_reader(assigned):
    body = render(assigned).body

    assert "4月15日" in body and "4月18日" in body and "April" not in body


def test_an_owner_without_a_name_is_named_by_their_address(assigned, django_user_model):
    ItemWork.objects.filter(owner__isnull=False).update(
        owner=django_user_model.objects.create_user("noname", "noname@example.com", "pw")
    )

    assert "noname@example.com" in render(assigned).body


def test_a_batch_reads_the_owners_and_dates_with_its_claim(
    batch, pilot_base, django_user_model, django_assert_num_queries
):
    owner = django_user_model.objects.create_user("owner", "owner@example.com", "pw")
    ItemWork.objects.bulk_create(
        ItemWork(application=application, item=item, owner=owner, due_on=datetime.date(2025, 4, 15))
        for application in Application.objects.all()
        for item in pilot_base.checklist_items.all()
    )
    with time_machine.travel(NOW, tick=False):
        claimed = sending.claim(100)

    # The batch's checklist ticks and co-builders; owners and dates came with the claim.
    with django_assert_num_queries(2):
        mails = emails.ReminderMails(claimed)
        messages = [mails.message(reminder) for reminder in claimed]
    assert all("owner@example.com" in message.body for message in messages)


@pytest.fixture
def two_firms_alike(pilot_base):
    """东风柳汽 and a second firm, each applying alone with nothing ticked: the same mail but
    for the greeting and the checklist link. The second's name needs escaping in HTML."""
    firms = [
        Organization.objects.get(name_zh="东风柳汽"),
        Organization.objects.create(name_zh="柳州A&B<科技>有限公司", kind="enterprise"),
    ]
    Contact.objects.create(organization=firms[1], email="ab@example.com")
    for firm in firms:
        Application.objects.create(
            organization=firm, program=pilot_base, status=Application.Status.PREPARING
        )
    Application.objects.filter(organization__name_zh="柳钢集团").delete()
    Contact.objects.filter(organization=firms[0]).update(language="zh-hans")
    with time_machine.travel(NOW, tick=False):
        planning.plan()
    due = Reminder.objects.select_related(*sending.SENDING_RELATED)
    return list(due.prefetch_related(*sending.SENDING_PREFETCH).order_by("pk"))


def test_firms_share_a_rendering_yet_each_mail_greets_its_own_and_links_its_checklist(
    two_firms_alike, settings
):
    mails = emails.ReminderMails(two_firms_alike)
    messages, names = rendered_templates(mails, two_firms_alike)
    assert len(messages) == 2 and len(names) == 3  # one group: subject, text, HTML
    for message, reminder in zip(messages, two_firms_alike, strict=True):
        name = reminder.application.organization.name_zh
        checklist = f"{settings.SITE_URL}/my/applications/{reminder.application_id}/"
        assert message.body.startswith(f"{name}，您好：")
        assert f"在网站上打开申报清单：{checklist}" in message.body
        html = message.alternatives[0][0]
        assert f"<p>{escape(name)}，您好：</p>" in html and f'<a href="{checklist}">' in html
        for placeholder in emails.PLACEHOLDERS:
            assert placeholder not in message.body and placeholder not in html
    with time_machine.travel(NOW, tick=False):
        spliced = [mails.sendmail_args(reminder) for reminder in two_firms_alike]
    # 东风柳汽 goes out as spliced bytes; a name that HTML must escape takes Django's path.
    assert spliced[1] is None
    parsed = email.message_from_bytes(spliced[0][2], policy=email.policy.default)
    text, html = (part.get_content() for part in leaves(parsed)[:2])
    assert text.startswith("东风柳汽，您好：") and "<p>东风柳汽，您好：</p>" in html
    assert f"/my/applications/{two_firms_alike[0].application_id}/" in text

"""A reminder end to end through a real SMTP server (aiosmtpd), then its unsubscribe link."""

import datetime
from urllib.parse import urlsplit

import icalendar
import time_machine
from django.core import signing

from tracker.models import Contact, Organization, Reminder
from tracker.notifications import planning, sending
from tracker.notifications.tokens import reader_for_token

# 09:30 in Shanghai, 7 days before the deadline.
NOW = datetime.datetime(2025, 4, 13, 1, 30, tzinfo=datetime.timezone.utc)


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    attachments = message.iter_attachments()
    (ics,) = [part for part in attachments if part.get_content_type() == "text/calendar"]
    return text, html, icalendar.Calendar.from_ical(ics.get_content())


def test_a_real_smtp_server_receives_both_languages_and_the_link_works_once(
    client, pilot_base, smtp_server
):
    Contact.objects.create(
        organization=Organization.objects.get(name_zh="柳钢集团"),
        email="liugang-en@example.com",
        language="en",
    )
    with time_machine.travel(NOW, tick=False):
        assert sending.send_due()["sent"] == 2
    received = {message["To"]: message for message in smtp_server.messages}
    assert sorted(received) == ["liugang-demo@example.com", "liugang-en@example.com"]

    zh_text, zh_html, zh_ics = parts(received["liugang-demo@example.com"])
    assert "2025年4月20日" in zh_text and "认定申报材料" in zh_text
    assert "2025年广西科技成果转化中试研究基地认定" in zh_html
    en = received["liugang-en@example.com"]
    en_text, en_html, en_ics = parts(en)
    assert en["Subject"] == "[Pilot base] Application materials due: 7 days left (April 20, 2025)"
    assert "April 20, 2025, end of day (Beijing time)" in en_text
    assert "Days left: 7" in en_text and "Certification application materials" in en_html
    for calendar in (zh_ics, en_ics):
        assert calendar.walk("VEVENT")[0].decoded("dtstart") == datetime.date(2025, 4, 20)
    assert en["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert en["X-Reminder-Key"].endswith(":7:v1")

    path = urlsplit(en["List-Unsubscribe"].strip().strip("<>")).path
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert client.post(path).status_code == 410
    forged = path.rstrip("/").rsplit("/", 1)[0] + "/" + signing.dumps("c1", salt="wrong") + "/"
    assert client.post(forged).status_code == 400
    assert list(
        Contact.objects.filter(unsubscribed_at__isnull=False).values_list("email", flat=True)
    ) == ["liugang-en@example.com"]
    assert Reminder.objects.filter(status="sent").count() == 2


def link_in(message):
    header = message["List-Unsubscribe"].strip().strip("<>")
    text, html, _ = parts(message)
    assert header in text and f'href="{header}"' in html
    return reader_for_token(header.rstrip("/").rsplit("/", 1)[1])


def test_readers_sharing_a_rendering_each_receive_their_own_link(pilot_base, smtp_server):
    liugang = Organization.objects.get(name_zh="柳钢集团")
    for n in range(3):
        Contact.objects.create(organization=liugang, email=f"liugang-{n}@example.com")
    with time_machine.travel(NOW, tick=False):
        assert sending.send_due()["sent"] == 4
    readers = {message["To"]: link_in(message) for message in smtp_server.messages}
    assert {to: reader.email for to, reader in readers.items()} == {to: to for to in readers}
    assert len({message["X-Reminder-Key"] for message in smtp_server.messages}) == 4


def test_a_message_that_cannot_be_spliced_goes_through_djangos_backend(pilot_base, smtp_server):
    with time_machine.travel(NOW, tick=False):
        planning.plan()
        batch = sending.claim(10)
        # A body line over 998 bytes: Django sends that part quoted-printable.
        batch[0].milestone.title_zh = "认定申报材料截止" * 50
        assert sending.deliver(batch) == (1, 0)
    (message,) = smtp_server.messages
    assert link_in(message) == Contact.objects.get(email="liugang-demo@example.com")
    assert "认定申报材料截止" * 50 in parts(message)[0]
    assert Reminder.objects.get().status == "sent"

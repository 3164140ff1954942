"""Reminder emails: subject, plain text and HTML from templates, plus an .ics of the date.

Everything is rendered in the reader's language; dates are the program's local dates.

`ReminderMails` writes the mails of one claimed batch. Readers of the same milestone and lead
who read the same language and still lack the same checklist items get the same mail but for
their address, unsubscribe token and organization (named in the greeting, its checklist
linked), so each such group is rendered once, with placeholders (TOKEN, ORGANIZATION,
APPLICATION_ID) where those go. The templates are given nothing of the reader, so one reader's
link, address or organization cannot end up in another reader's mail.
"""

import datetime
import re
from collections import defaultdict
from email.utils import formatdate, make_msgid
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tracker.models import (
    ChecklistItem,
    ChecklistTick,
    CoBuilder,
    Reminder,
    checklist_progress,
)
from tracker.notifications import calendars
from tracker.notifications.tokens import unsubscribe_token
from tracker.site import operator

TEMPLATES = "tracker/emails/reminder"
SUBJECT_TITLE_LIMIT = 80
# Stands in for the reader's signed unsubscribe token in a group's rendering. Like the real
# tokens (URL-safe base64 and colons) it is made of characters that neither reverse(), HTML
# escaping nor 7bit/8bit MIME changes, so a plain replace() puts the reader's token in.
TOKEN = "unsubscribe-token-3f9c2e71"
# Stand in for the reader's organization in the same way: its name in the greeting, and its
# application's id in the checklist link (a number, as the URL pattern wants one).
ORGANIZATION = "reminder-organization-7b3e0d52"
APPLICATION_ID = 918_273_645_546


def header_text(value, limit=SUBJECT_TITLE_LIMIT):
    """A title fit for a header: one line (a newline would raise BadHeaderError), bounded."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OpenItem(NamedTuple):
    """A required checklist item not ticked yet, with who prepares it and by when (either may
    be missing). Hashable: readers whose lists are equal share a rendering."""

    item: ChecklistItem
    owner: str
    due_on: datetime.date | None


def owner_name(user):
    return (user.get_full_name() or user.email or user.get_username()) if user else ""


def open_items(reminders):
    """{application id: an OpenItem for each required checklist item it has not ticked yet},
    two queries for the whole batch. The checklist is read through `milestone.program` (an
    application's reminders are about its own program's milestones) and the item work through
    `application`, both of which the claim prefetches."""
    ids = {reminder.application_id for reminder in reminders if reminder.application_id}
    ticked = defaultdict(set)
    for application_id, item_id in ChecklistTick.objects.filter(
        application__in=ids
    ).values_list("application", "item"):
        ticked[application_id].add(item_id)
    joint, confirmed = set(), set()
    for application_id, confirmed_at in CoBuilder.objects.filter(
        application__in=ids
    ).values_list("application", "confirmed_at"):
        joint.add(application_id)
        if confirmed_at:
            confirmed.add(application_id)
    return {
        reminder.application_id: _with_work(
            reminder.application,
            checklist_progress(
                reminder.milestone.program.checklist_items.all(),
                ticked[reminder.application_id],
                joint=reminder.application_id in joint,
                co_builders_confirmed=reminder.application_id in confirmed,
            )[1],
        )
        for reminder in reminders
        if reminder.application_id
    }


def _with_work(application, items):
    work = {row.item_id: row for row in application.item_work.all()}
    return tuple(
        OpenItem(item, owner_name(work[item.pk].owner), work[item.pk].due_on)
        if item.pk in work
        else OpenItem(item, "", None)
        for item in items
    )


def previous_due_dates(reminders):
    """For the change notices among `reminders`: {reminder id: the date its reader was last
    told}, from the outbox itself, in one query."""
    notices = [reminder for reminder in reminders if reminder.is_change_notice]
    if not notices:
        return {}
    told = defaultdict(list)
    sent = Reminder.objects.filter(
        status=Reminder.Status.SENT,
        recipient_key__in={notice.recipient_key for notice in notices},
        milestone__in={notice.milestone_id for notice in notices},
    ).order_by("-version", "-sent_at")
    for key, milestone, version, due_on in sent.values_list(
        "recipient_key", "milestone", "version", "due_on"
    ):
        told[key, milestone].append((version, due_on))
    return {
        notice.pk: next(
            (due_on for version, due_on in told[notice.recipient_key, notice.milestone_id]
             if version < notice.version),
            None,
        )
        for notice in notices
    }


# An address that needs no encoding or quoting in a header: what the email fields hold.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


def envelope_address(address):
    """`address` for the To header and RCPT TO. Django's sanitize_address() parses every address
    with the email package's header parser, which cost more per message than the rest of the
    splice; a plain ASCII address is already what it would return. Anything else (non-ASCII,
    a display name, a newline) still goes through it, to be encoded or refused."""
    if PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, settings.DEFAULT_CHARSET)


def unsubscribe_url(token):
    return settings.SITE_URL + reverse("tracker:unsubscribe", args=[token])


def reader_headers(reminder, url):
    return {
        "List-Unsubscribe": f"<{url}>",
        "X-Reminder-Key": (
            f"{reminder.recipient_key}:{reminder.milestone_id}:"
            f"{reminder.lead_days}:v{reminder.version}"
        ),
    }


def reminder_context(reminder, items, previous_due_on):
    """What every rendering of a reminder says (a mail, a robot's message): the program, the
    milestone, days left, the date it moved from and the materials still open."""
    milestone = reminder.milestone
    program = milestone.program
    return {
        "is_change_notice": reminder.is_change_notice,
        "program": program,
        "program_title": header_text(program.title),
        "program_name": header_text(program.short_name),
        "milestone": milestone,
        "days_left": (milestone.due_on - program.local_today()).days,
        "previous_due_on": previous_due_on,
        "open_items": items,
    }


class ReminderMails:
    """The mails of one claimed batch, each group rendered once (see the module docstring)."""

    def __init__(self, reminders):
        self._open_items = open_items(reminders)
        self._previous_due_on = previous_due_dates(reminders)
        self._url = unsubscribe_url(TOKEN)
        self._groups = {}
        self._calendars = {}

    def message(self, reminder, connection=None):
        """`reminder` as a Django message, for any mail backend."""
        values = self._reader_values(reminder)
        headers = reader_headers(reminder, self._url.replace(TOKEN, values[TOKEN]))
        return self._group(reminder).message(values, [reminder.reader.email], headers, connection)

    def _reader_values(self, reminder):
        """{placeholder: what it stands for in `reminder`'s mail}."""
        values = {TOKEN: unsubscribe_token(reminder.recipient_key)}
        if reminder.application_id:
            with translation.override(reminder.reader.language):
                values[ORGANIZATION] = str(reminder.application.organization.name)
            values[str(APPLICATION_ID)] = str(reminder.application_id)
        return values

    def sendmail_args(self, reminder):
        """`reminder` as (from, [to], bytes) for smtplib's sendmail(), or None when its group
        cannot be spliced: the group's message serialised once by Django, the reader's token
        put in and the reader's headers put in front (headers may come in any order)."""
        group = self._group(reminder)
        values = self._reader_values(reminder)
        if group.serialized is None or not group.splices(values):
            return None
        token = values[TOKEN]
        to = envelope_address(reminder.reader.email)
        headers = {
            "To": to,
            "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            "Message-ID": make_msgid(domain=DNS_NAME),
            **reader_headers(reminder, self._url.replace(TOKEN, token)),
        }
        # Every value is one ASCII line (sanitize_address() encodes the address and refuses
        # newlines), so the header lines need no encoding or folding; encode() would refuse
        # anything else.
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items()).encode("ascii")
        data = group.serialized
        for placeholder, value in values.items():
            data = data.replace(placeholder.encode(), value.encode())
        return self._sender, [to], head + data

    @cached_property
    def _sender(self):
        return sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)

    def _group(self, reminder):
        language = reminder.reader.language
        items = self._open_items.get(reminder.application_id, ())
        previous_due_on = self._previous_due_on.get(reminder.pk)
        key = (
            reminder.application_id is None, reminder.milestone_id, reminder.lead_days, language,
            items, previous_due_on,
        )
        if key not in self._groups:
            self._groups[key] = self._render(reminder, language, items, previous_due_on)
        return self._groups[key]

    def _calendar(self, milestone, language):
        key = (milestone.pk, language)
        if key not in self._calendars:
            self._calendars[key] = calendars.calendar(milestone.program.title, [milestone])
        return self._calendars[key]

    def _render(self, reminder, language, items, previous_due_on):
        milestone = reminder.milestone
        program = milestone.program
        tracking = reminder.application_id is not None
        with translation.override(language):
            ctx = {
                **reminder_context(reminder, items, previous_due_on),
                # A subscriber follows the program without an application: no organization to
                # greet, no checklist to open.
                "organization_name": ORGANIZATION if tracking else "",
                "checklist_url": (
                    settings.SITE_URL + reverse("tracker:application", args=[APPLICATION_ID])
                    if tracking else ""
                ),
                "program_url": settings.SITE_URL + reverse("tracker:program", args=[program.slug]),
                "operator": operator(),
                "unsubscribe_url": self._url,
            }
            return _Group(
                subject=header_text(render_to_string(f"{TEMPLATES}-subject.txt", ctx), limit=200),
                text=render_to_string(f"{TEMPLATES}-body.txt", ctx),
                html=render_to_string(f"{TEMPLATES}-body.html", ctx),
                attachment=(f"{program.slug}-{milestone.pk}.ics",
                            self._calendar(milestone, language), "text/calendar"),
            )


PLACEHOLDERS = [TOKEN, ORGANIZATION, str(APPLICATION_ID)]


def _filled(text, values, escaped=False):
    for placeholder, value in values.items():
        text = text.replace(placeholder, escape(value) if escaped else value)
    return text


class _Group:
    """One rendering, shared by the readers of a group; the placeholders stand for each
    reader's token and organization."""

    def __init__(self, subject, text, html, attachment):
        self.subject, self.text, self.html, self.attachment = subject, text, html, attachment

    def message(self, values, to=(), headers=None, connection=None):
        message = EmailMultiAlternatives(
            self.subject,
            _filled(self.text, values),
            to=list(to),
            connection=connection,
            headers={
                # RFC 8058: mail clients may POST to the link without asking the reader.
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                **(headers or {}),
            },
        )
        message.attach_alternative(_filled(self.html, values, escaped=True), "text/html")
        message.attach(*self.attachment)
        return message

    @cached_property
    def serialized(self):
        """The message without To, Date, Message-ID or the reader's headers, as Django
        serialises it for SMTP, with the placeholders in it; None unless every part carrying
        one went out as written (Django quotes-printable a text with a line over 998 bytes)."""
        mime = self.message({}).message()
        del mime["Date"]
        del mime["Message-ID"]
        data = mime.as_bytes(linesep="\r\n")
        unchanged = all(
            data.count(p.encode()) == self.text.count(p) + self.html.count(p) for p in PLACEHOLDERS
        )
        return data if unchanged and b"quoted-printable" not in data else None

    def splices(self, values):
        """Whether `values` can go into the serialised bytes as they are: the same in the
        text and in the HTML (nothing to escape), and, if not ASCII, into parts sent as 8bit."""
        plain = all(escape(value) == value for value in values.values())
        ascii_only = all(value.isascii() for value in values.values())
        return plain and (ascii_only or b"Content-Transfer-Encoding: 7bit" not in self.serialized)

"""One reminder email: subject, plain text and HTML from templates, plus an .ics of the date.

Everything is rendered in the reader's language; dates are the program's local dates.
"""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tracker.models import Reminder

TEMPLATES = "tracker/emails/reminder"
SUBJECT_TITLE_LIMIT = 80


def header_text(value, limit=SUBJECT_TITLE_LIMIT):
    """A title fit for a header: one line (a newline would raise BadHeaderError), bounded."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def open_items(application):
    """The required checklist items this application has not ticked yet.

    Reads through related managers' .all() so that a batch prefetched by reminders.claim()
    costs no query per message.
    """
    ticked = {tick.item_id for tick in application.ticks.all()}
    joint = bool(application.co_builders.all())
    return [
        item
        for item in application.program.checklist_items.all()
        if item.required and item.pk not in ticked and (joint or not item.joint_only)
    ]


def previous_due_on(reminder):
    """For a change notice: the date the reader was last told, from the outbox itself."""
    return (
        Reminder.objects.filter(
            recipient_key=reminder.recipient_key,
            milestone_id=reminder.milestone_id,
            version__lt=reminder.version,
            status=Reminder.Status.SENT,
        )
        .order_by("-version", "-sent_at")
        .values_list("due_on", flat=True)
        .first()
    )


def unsubscribe_url(reminder):
    return settings.SITE_URL + reverse("tracker:unsubscribe", args=[reminder.unsubscribe_token()])


def calendar_file(milestone, program):
    """An all-day event on the due date; SEQUENCE follows the date version so calendars update."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//policy-tracker//reminders//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"milestone-{milestone.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("sequence", milestone.version)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", milestone.due_on)
    event.add("dtend", milestone.due_on + datetime.timedelta(days=1))
    event.add("summary", f"{header_text(program.title)}: {milestone.title}")
    event.add("description", program.contact)
    cal.add_component(event)
    return cal.to_ical()


def reminder_message(reminder, connection=None):
    milestone = reminder.milestone
    program = milestone.program
    reader = reminder.reader
    url = unsubscribe_url(reminder)
    with translation.override(reader.language):
        ctx = {
            "reminder": reminder,
            "program": program,
            "program_title": header_text(program.title),
            "program_name": header_text(program.short_name),
            "milestone": milestone,
            "days_left": (milestone.due_on - program.local_today()).days,
            "timezone_name": program.timezone,
            "previous_due_on": previous_due_on(reminder) if reminder.is_change_notice else None,
            "open_items": open_items(reminder.application) if reminder.application else [],
            "unsubscribe_url": url,
        }
        subject = header_text(render_to_string(f"{TEMPLATES}-subject.txt", ctx), limit=200)
        text = render_to_string(f"{TEMPLATES}-body.txt", ctx)
        html = render_to_string(f"{TEMPLATES}-body.html", ctx)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[reader.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{url}>",
            # RFC 8058: mail clients may POST to the link above without asking the reader.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Reminder-Key": (
                f"{reminder.recipient_key}:{reminder.milestone_id}:"
                f"{reminder.lead_days}:v{reminder.version}"
            ),
        },
    )
    message.attach_alternative(html, "text/html")
    message.attach(f"{program.slug}-{milestone.pk}.ics", calendar_file(milestone, program),
                   "text/calendar")
    return message

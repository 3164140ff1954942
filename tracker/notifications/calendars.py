"""iCalendar (RFC 5545) output: program feeds, organization feeds and reminder attachments."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

# All-day events start at local midnight; 15 hours earlier is 09:00 the day before, a time
# people see an alert, rather than midnight.
ALARM_BEFORE = datetime.timedelta(hours=15)


def one_line(text):
    # Titles typed into the admin may hold line breaks, which an iCalendar line cannot.
    return " ".join(text.split())


def milestone_event(milestone, stamp):
    program = milestone.program
    url = settings.SITE_URL + reverse("tracker:program", args=[program.slug])
    event = Event()
    # The UID stays the same when the date moves, and SEQUENCE goes up, so subscribed
    # calendars move the event instead of showing the old and the new date.
    event.add("uid", f"milestone-{milestone.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("sequence", milestone.version - 1)
    event.add("dtstamp", stamp)
    event.add("summary", one_line(f"{program.short_name}: {milestone.title}"))
    event.add("description", f"{one_line(program.title)}\n{url}")
    event.add("url", url)
    event.add("dtstart", milestone.due_on)
    event.add("dtend", milestone.due_on + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event["summary"])
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def calendar(name, milestones, now=None):
    """The milestones (with `program` loaded) as one calendar, ready to serve or attach."""
    cal = Calendar()
    cal.add("prodid", "-//Policy and deadline tracker//zh-hans")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = now or timezone.now()
    for milestone in milestones:
        cal.add_component(milestone_event(milestone, stamp))
    return cal.to_ical()

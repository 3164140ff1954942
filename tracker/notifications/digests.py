"""Digests: one mail per member and period, listing every alert of the kinds they take daily
(or weekly) that reached their notification centre since their previous digest.

`sweep()` runs from an hourly django-q2 schedule: from DIGEST_HOUR (Beijing time) on, it plans
the day's digests (the weekly ones on Mondays) in one INSERT … SELECT per frequency, keyed by
(member, frequency, date), so the other runs of the day plan nothing; then it sends them
through `notifications.sending` like every outbox row. A member who took nothing new gets no
digest; "off" plans nothing, as it delivers nothing in-app either.
"""

import operator
from collections import defaultdict
from functools import partial, reduce

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from tracker.models import (
    AlertChannel,
    AlertDelivery,
    AlertDigest,
    AlertKind,
    AlertPreference,
    Contact,
    OutboxRow,
)
from tracker.notifications import sending
from tracker.notifications.alert_texts import render
from tracker.notifications.alerts import takes
from tracker.notifications.bulk import columns, insert_select
from tracker.notifications.channels.base import PermanentFailure
from tracker.notifications.channels.email import EmailChannel
from tracker.notifications.emails import header_text

DIGEST_HOUR = 8  # Beijing time: the start of an office day
Frequency = AlertPreference.Frequency


def sweep(now=None):
    now = now or timezone.now()
    return {"planned": plan(now), **sending.drain(DIGESTS, now)}


def due_frequencies(now):
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return []
    return [Frequency.DAILY] + ([Frequency.WEEKLY] if local.weekday() == 0 else [])


def _taken_at(frequency):
    """A condition on AlertDelivery rows: of a kind their member takes at `frequency`."""
    return reduce(operator.or_, (
        Q(message__kind=kind) & takes(kind, [frequency]) for kind in AlertKind.values
    ))


def _news(frequency):
    """In-app deliveries about the member's own organizations (a member who left a team reads
    no more of it), of a kind taken at `frequency`."""
    return AlertDelivery.objects.filter(
        _taken_at(frequency), channel=AlertChannel.IN_APP,
        message__organization__memberships__user=F("user"),
    )


@transaction.atomic
def plan(now=None):
    """Insert the digests due today; returns how many were new."""
    now = now or timezone.now()
    planned = 0
    for frequency in due_frequencies(now):
        previous = AlertDigest.objects.filter(user=OuterRef("pk"), frequency=frequency)
        readers = get_user_model().objects.filter(is_active=True).exclude(email="").annotate(
            last_until=Subquery(previous.order_by("-until").values("until")[:1])
        )
        news = _news(frequency).filter(user=OuterRef("pk"), created_at__lte=now)
        new_since_last = Q(last_until=None) | Exists(news.filter(
            created_at__gt=OuterRef("last_until")
        ))
        rows = readers.filter(Exists(news), new_since_last).values(**columns(
            user_id=F("pk"), frequency=Value(frequency.value),
            period=Value(timezone.localdate(now)), since=F("last_until"), until=Value(now),
            status=Value(OutboxRow.Status.PENDING.value), attempts=Value(0),
            next_attempt_at=Value(now), last_error=Value(""), created_at=Value(now),
        ))
        planned += insert_select(AlertDigest, rows)
    return planned


class DigestMails:
    """The mails of a claimed batch of digests: what each lists, in three queries for the
    batch (the members' languages, their alerts in the batch's window, rendered from the rows
    loaded with them)."""

    def __init__(self, digests):
        users = {d.user_id for d in digests}
        self._languages = {}
        contacts = Contact.objects.filter(user__in=users).order_by("-pk")
        for user_id, language in contacts.values_list("user", "language"):
            self._languages[user_id] = language  # the oldest row wins
        # The batch's window: from the earliest `since` (none if a first digest is among them).
        window = Q(created_at__lte=max(d.until for d in digests))
        if all(d.since for d in digests):
            window &= Q(created_at__gt=min(d.since for d in digests))
        self._items = defaultdict(list)
        for frequency in {d.frequency for d in digests}:
            rows = _news(frequency).filter(window, user__in=users)
            rows = rows.select_related("message__program__authority", "message__organization",
                                       "message__saved_search")
            for delivery in rows.order_by("created_at", "id"):
                self._items[(delivery.user_id, frequency)].append(delivery)

    def items(self, digest):
        """The alerts `digest` lists: after its `since`, up to its `until`."""
        since, until = digest.since, digest.until
        return [
            d for d in self._items[(digest.user_id, digest.frequency)]
            if (since is None or d.created_at > since) and d.created_at <= until
        ]

    def message(self, digest, connection=None):
        items = self.items(digest)
        if not items:  # turned off, or left the team, since it was planned
            raise PermanentFailure("nothing left to list")
        language = self._languages.get(digest.user_id, settings.LANGUAGE_CODE)
        alerts = [render(item.message, language) for item in items]
        with translation.override(language):
            if digest.frequency == Frequency.WEEKLY:
                subject = ngettext("Your weekly alerts: %(count)d new",
                                   "Your weekly alerts: %(count)d new", len(alerts))
            else:
                subject = ngettext("Your daily alerts: %(count)d new",
                                   "Your daily alerts: %(count)d new", len(alerts))
            ctx = {
                "alerts": alerts,
                "centre_url": settings.SITE_URL + reverse("tracker:notifications"),
                "settings_url": settings.SITE_URL + reverse("tracker:alerts"),
            }
            body = render_to_string("tracker/emails/digest-body.txt", ctx)
            html = render_to_string("tracker/emails/digest-body.html", ctx)
            subject = header_text(subject % {"count": len(alerts)}, limit=200)
        message = EmailMultiAlternatives(
            subject, body, to=[digest.user.email], connection=connection,
            headers={"X-Alert-Digest": f"{digest.user_id}:{digest.frequency}:{digest.period}"},
        )
        message.attach_alternative(html, "text/html")
        return message

    def sendmail_args(self, digest):
        return None


DIGESTS = sending.Outbox(AlertDigest, partial(EmailChannel, DigestMails), related=["user"])

"""Sending the outbox: claim due rows, hand them one at a time to a channel, record the result.

Every outbox table (reminders, alert deliveries: subclasses of `models.OutboxRow`) is sent by
the same code, described by an `Outbox`. `send_due()` is the reminders' sweep the django-q2
schedule triggers (`notifications.alerts.sweep()` the alerts'); it is safe to run twice, late,
or on several clusters at once. What holds, exactly:
- A row is delivered only by the sender whose conditional UPDATE moved it from *pending* to
  *sending* under its claim token, and it is marked *sent* right after the channel accepted it.
- Only the row being handed to the channel is ever in *sending*. A claim *reserves* a batch:
  the rows stay pending, carry the sender's token, and their next attempt moves `reservation()`
  ahead so no other sender takes them. Each row moves to sending in the same commit that
  records how the previous row went. A sender killed mid-batch leaves at most one row in
  sending (maybe delivered: flagged stuck after the lease, for a person to decide); the rest of
  its batch falls due again by itself when the reservation runs out.
"""

import datetime
import functools
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from tracker.models import ItemWork, OutboxRow, Reminder
from tracker.notifications.channels.base import PermanentFailure
from tracker.notifications.channels.email import EmailChannel
from tracker.notifications.channels.webhook import WebhookChannel
from tracker.notifications.planning import plan

logger = logging.getLogger(__name__)

CLAIM_ORDER = ["next_attempt_at", "id"]
SENDING_RELATED = ["contact", "subscription", "webhook", "application__organization"]
# The channel for each kind of reader (Reminder.channel_kind).
CHANNELS = {"email": EmailChannel, "webhook": WebhookChannel}
# Prefetched rather than joined so that a batch holds one instance of each milestone, program
# and checklist: a channel renders once per milestone, not once per row. Who prepares each item
# by when comes with the claim too, so that the mails name them without a query per reader.
SENDING_PREFETCH = [
    "milestone__program__checklist_items",
    Prefetch("application__item_work", queryset=ItemWork.objects.select_related("owner")),
]


@dataclass(frozen=True)
class Outbox:
    """One outbox table and how its rows are sent: `scope` narrows the rows this sender takes
    (the alert deliveries of one channel), `related`/`prefetch` load what the channel renders
    with the claim, `channel` makes the channel of a batch. A table whose readers take
    different media (a reminder goes to an address or to a group robot) names a channel per
    row's `channel_kind` in `channels`."""

    model: type
    channel: object
    related: list = field(default_factory=list)
    prefetch: list = field(default_factory=list)
    scope: Q = field(default_factory=Q)
    channels: dict = field(default_factory=dict)

    def due(self, now):
        return self.model.objects.filter(self.scope).due(now)

    def by_channel(self, batch):
        """(channel class, rows) for each medium of a claimed batch, claim order kept."""
        groups = {}
        for row in batch:
            kind = getattr(row, "channel_kind", None)
            groups.setdefault(self.channels.get(kind, self.channel), []).append(row)
        return groups.items()


REMINDERS = Outbox(Reminder, EmailChannel, SENDING_RELATED, SENDING_PREFETCH, channels=CHANNELS)


def sweep_seconds():
    """A sweep stops sending after this long (REMINDER_SWEEP_SECONDS), so that even with one
    last message waiting out its channel's timeout it ends within Q_CLUSTER["timeout"] (a
    system check says so); the next sweep picks up the rest."""
    return settings.REMINDER_SWEEP_SECONDS


def channel_timeout():
    """The longest one message may wait on its medium: EMAIL_TIMEOUT or WEBHOOK_TIMEOUT."""
    return max(settings.EMAIL_TIMEOUT or 0, settings.WEBHOOK_TIMEOUT or 0)


def reservation():
    """How long a claimed batch stays its sender's: a whole sweep and one message waiting out
    the channel's timeout, so a live sender keeps its batch. Were it to run out all the same,
    another sender could take the rest, and each row would still go out once: the move to
    sending is conditional on the token."""
    return datetime.timedelta(seconds=sweep_seconds() + channel_timeout())


def claim(limit, now=None, outbox=REMINDERS):
    """Reserve up to `limit` due rows of `outbox` under a fresh claim token; returns them in
    claim order.

    On PostgreSQL, SKIP LOCKED lets concurrent senders take disjoint batches without waiting.
    SQLite has no row locks (select_for_update is a no-op there), but our IMMEDIATE
    transactions take the write lock up front, so claims run one after another. Either way the
    UPDATE only takes rows still due, so a row another sender reserved in between is not ours.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    rows = outbox.model.objects
    with transaction.atomic():
        ids = list(
            outbox.due(now)
            .order_by(*CLAIM_ORDER)
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        rows.filter(id__in=ids).due(now).update(
            claim_token=token, next_attempt_at=now + reservation()
        )
    order = {pk: position for position, pk in enumerate(ids)}
    claimed = rows.filter(id__in=ids, claim_token=token, status=OutboxRow.Status.PENDING)
    batch = list(claimed.select_related(*outbox.related).prefetch_related(*outbox.prefetch))
    return sorted(batch, key=lambda reminder: order[reminder.pk])


def due_for_sending(now, outbox=REMINDERS):
    """The rows the next claims would take, in that order (for the dry run)."""
    due = outbox.due(now).select_related(*outbox.related)
    return due.prefetch_related(*outbox.prefetch).order_by(*CLAIM_ORDER)


class _Outcome:
    """How a row went, to be written with the next row's hand-over (or on its own, `save()`)."""

    def __init__(self, reminder, current, **fields):
        self.reminder, self.current, self.fields = reminder, current, fields

    def save(self):
        type(self.reminder).objects.filter(
            pk=self.reminder.pk, claim_token=self.reminder.claim_token, status=self.current
        ).update(**self.fields)


def _sent(reminder):
    return _Outcome(
        reminder, OutboxRow.Status.SENDING,
        status=OutboxRow.Status.SENT, sent_at=timezone.now(), last_error="",
    )


def _failed(reminder, exc, current=OutboxRow.Status.SENDING):
    """Back to pending with backoff, or failed for good after the last attempt or a permanent
    refusal. `current`: the row's status now (pending when it was never handed over)."""
    logger.warning("%s %s failed: %r", type(reminder).__name__, reminder.pk, exc)
    permanent = isinstance(exc, PermanentFailure)
    gave_up = permanent or reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS
    return _Outcome(
        reminder, current,
        status=OutboxRow.Status.FAILED if gave_up else OutboxRow.Status.PENDING,
        attempts=reminder.attempts,
        next_attempt_at=timezone.now() + reminder.backoff(),
        last_error=(str(exc) if permanent else f"{type(exc).__name__}: {exc}")[:2000],
    )


def _hand_over(reminder, outcome):
    """Move `reminder` from pending to sending, first recording how the previous row went.
    False if `reminder` is no longer ours (its reservation ran out and another sender took it,
    or planning retired it meanwhile).

    The previous row leaves sending before this one enters it, so a sender never has two rows
    in doubt. In the usual case, the previous row sent, both go in one statement (`_SENT_AND_NEXT`):
    one commit per message, as marking it sent alone took.
    """
    now = timezone.now()
    model = type(reminder)
    if outcome is not None and outcome.fields["status"] == OutboxRow.Status.SENT:
        with connection.cursor() as cursor:
            cursor.execute(
                _sent_and_next_sql(model), _sent_and_next_params(outcome, reminder, now)
            )
            changed = cursor.rowcount
        # The previous row is this sender's, in sending under its token, so it always changes:
        # a count short of two means `reminder` did not.
        moved = changed == 2
    else:
        if outcome is not None:
            outcome.save()
        moved = model.objects.filter(
            pk=reminder.pk, claim_token=reminder.claim_token, status=OutboxRow.Status.PENDING
        ).update(status=OutboxRow.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1) == 1
    if moved:
        reminder.attempts += 1
    return moved


@functools.cache
def _sent_and_next_sql(model):
    """One UPDATE marking the previous row sent and handing the next one over, written by hand:
    building it with the ORM (CASE expressions) cost more per message than the SMTP exchange.
    The ORM's own quoting and column names keep it in step with the model."""
    table = connection.ops.quote_name(model._meta.db_table)
    id_, status, sent_at, last_error, claimed_at, attempts, token = (
        connection.ops.quote_name(model._meta.get_field(name).column)
        for name in ("id", "status", "sent_at", "last_error", "claimed_at", "attempts",
                     "claim_token")
    )
    return (
        f"UPDATE {table} SET "
        f"{status} = CASE WHEN {id_} = %s THEN %s ELSE %s END, "
        f"{sent_at} = CASE WHEN {id_} = %s THEN %s ELSE {sent_at} END, "
        f"{last_error} = CASE WHEN {id_} = %s THEN '' ELSE {last_error} END, "
        f"{claimed_at} = CASE WHEN {id_} = %s THEN %s ELSE {claimed_at} END, "
        f"{attempts} = CASE WHEN {id_} = %s THEN {attempts} + 1 ELSE {attempts} END "
        f"WHERE {token} = %s AND (({id_} = %s AND {status} = %s) OR ({id_} = %s AND {status} = %s))"
    )


def _sent_and_next_params(outcome, reminder, now):
    sent, following = outcome.reminder.pk, reminder.pk
    meta, status = type(reminder)._meta, OutboxRow.Status
    sent_at, claimed_at = (
        meta.get_field(name).get_db_prep_value(value, connection)
        for name, value in (("sent_at", outcome.fields["sent_at"]), ("claimed_at", now))
    )
    token = meta.get_field("claim_token").get_db_prep_value(reminder.claim_token, connection)
    return [
        sent, status.SENT, status.SENDING,
        sent, sent_at,
        sent,
        following, claimed_at,
        following,
        token, sent, status.SENDING, following, status.PENDING,
    ]


def deliver(batch, until=None, channel=None, outbox=REMINDERS):
    """Send a claimed batch through `channel` (by default the outbox's), one row at a time.

    Past `until` (a time.monotonic() value) the rest of the batch is handed back: a slow server
    must not keep the sweep running into the task timeout, where the worker would be killed.
    Returns (sent, failed) counts.
    """
    channel = channel or outbox.channel()
    channel.prepare(batch)
    try:
        channel.open()
    except Exception as exc:  # the medium is down: the whole batch waits for its next attempt
        for reminder in batch:
            reminder.attempts += 1
            _failed(reminder, exc, current=OutboxRow.Status.PENDING).save()
        return 0, len(batch)
    sent = failed = 0
    outcome = None
    try:
        for index, reminder in enumerate(batch):
            if until is not None and time.monotonic() > until:
                release(batch[index:])
                break
            handed_over = _hand_over(reminder, outcome)
            outcome = None
            if not handed_over:
                continue
            try:
                channel.send(reminder)
            except Exception as exc:  # a refusal, a dropped connection or a bad template
                outcome = _failed(reminder, exc)
                failed += 1
                channel.reset()
                continue
            outcome = _sent(reminder)
            sent += 1
    finally:
        if outcome is not None:
            outcome.save()
        channel.close()
    return sent, failed


def release(batch):
    """Hand reserved rows that were never handed over back to the queue, due as they were
    when claimed."""
    type(batch[0]).objects.filter(
        pk__in=[r.pk for r in batch],
        claim_token=batch[0].claim_token,
        status=OutboxRow.Status.PENDING,
    ).update(claim_token=None, next_attempt_at=F("next_attempt_at") - reservation())


def send_due(now=None):
    """The reminders' sweep: plan, then send what is due."""
    now = now or timezone.now()
    return {"planned": plan(now), **drain(REMINDERS, now)}


def drain(outbox, now):
    """Claim and deliver batches of `outbox` until none is due or time is up."""
    totals = {"sent": 0, "failed": 0}
    until = time.monotonic() + sweep_seconds()
    while time.monotonic() < until:
        batch = claim(settings.REMINDER_BATCH_SIZE, now, outbox)
        if not batch:
            break
        for channel, rows in outbox.by_channel(batch):
            sent, failed = deliver(rows, until, channel(), outbox)
            totals["sent"] += sent
            totals["failed"] += failed
    return totals


def retry_now(queryset, now=None):
    """Queue failed rows again, and stuck ones once a person has checked they never went out."""
    now = now or timezone.now()
    return queryset.filter(Q(status=OutboxRow.Status.FAILED) | OutboxRow.stuck_q(now)).update(
        status=OutboxRow.Status.PENDING, attempts=0, next_attempt_at=now, claim_token=None
    )

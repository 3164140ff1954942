"""Planning the outbox: insert the reminder rows now due, retire the ones made moot.

Safe to run twice, late, or on several clusters at once: rows are inserted against the unique
key `tracker_reminder_once`, so a rerun inserts nothing. The query count is fixed: it grows with
neither the readers nor the programs.
"""

import datetime
import hashlib
import logging

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from tracker.models import (
    Application,
    Contact,
    Milestone,
    OutboxChange,
    PlanningState,
    Reminder,
)
from tracker.models.timezones import local_dates_anywhere
from tracker.notifications.bulk import NULL_ID, insert_select
from tracker.notifications.bulk import columns as bulk_columns

logger = logging.getLogger(__name__)

TRACKING = [Application.Status.INTERESTED, Application.Status.PREPARING]



def receiving(contact, organization):
    """A contact (the path `contact` leads to) who receives its organization's reminders: not
    unsubscribed, and either a member's own row, or an address an administrator entered while
    no member of `organization` (a path to its id) receives them: that address is the fallback
    for organizations nobody has joined, or whose members all turned reminders off.

    One condition, with a subquery, so that planning keeps its fixed number of queries.
    """
    members_receiving = Contact.objects.filter(
        organization=OuterRef(organization), user__isnull=False, unsubscribed_at=None
    )
    return Q(**{f"{contact}unsubscribed_at": None}) & (
        Q(**{f"{contact}user__isnull": False}) | ~Exists(members_receiving)
    )


# A reader still wants mail about a row's milestone: an application contact who receives the
# organization's reminders (above) and whose application is still being prepared, a live
# subscription to that milestone's audience, or an enabled group robot of an organization whose
# application is still being prepared.
READER_STILL_WANTS = (
    Q(subscription=None, webhook=None, application__status__in=TRACKING)
    & receiving("contact__", "contact__organization")
    | Q(
        contact=None,
        subscription__unsubscribed_at=None,
        subscription__audience=F("milestone__audience"),
    )
    | Q(contact=None, webhook__enabled=True, application__status__in=TRACKING)
)


def horizon(now):
    """Dates before this one are past in every time zone."""
    return local_dates_anywhere(now)[0]


def send_day(program, now):
    """The local date whose reminders may go out: until the send hour it is still yesterday."""
    local = timezone.localtime(now, program.tzinfo)
    if local.hour < program.send_hour:
        return local.date() - datetime.timedelta(days=1)
    return local.date()


def latest_crossed_lead(reminder_days, days_left):
    """The smallest lead that is not below the days left, or None (date past, or no lead yet).

    A reader who starts tracking 3 days before the date gets the 3-day mail, not five at once.
    """
    if days_left < 0:
        return None
    crossed = [lead for lead in reminder_days if lead >= days_left]
    return min(crossed) if crossed else None


def due_leads(now):
    """{milestone id: lead days} for the published milestones due a mail now, and the ids of
    milestones whose date has passed locally."""
    due, past, _signature = _scan_milestones(now)
    return due, past


def _scan_milestones(now):
    """due_leads() and the signature of everything planning reads of the milestones: each
    published milestone still ahead somewhere, its date, audience, version and crossed lead.

    One query; the choice is made per milestone in Python because each program has its own
    time zone, send hour and lead list. The rows are locked (in id order, so without deadlock)
    to make concurrent planners on PostgreSQL take turns instead of racing through the same
    updates; on SQLite the IMMEDIATE transaction already serialises them.
    """
    due, past, seen = {}, [], []
    milestones = Milestone.objects.filter(program__is_published=True, due_on__gte=horizon(now))
    locked = milestones.select_related("program").select_for_update(of=("self",))
    for milestone in locked.order_by("pk"):
        program = milestone.program
        if milestone.due_on < program.local_today(now):
            past.append(milestone.pk)
            lead = "past"
        else:
            days_left = (milestone.due_on - send_day(program, now)).days
            lead = latest_crossed_lead(program.reminder_days, days_left)
            if lead is not None:
                due[milestone.pk] = lead
        seen.append((milestone.pk, milestone.version, str(milestone.due_on),
                     milestone.audience, lead))
    signature = hashlib.sha256(repr((str(horizon(now)), seen)).encode()).hexdigest()
    return due, past, signature


@transaction.atomic
def plan(now=None):
    """Insert the rows now due, then retire the pending rows they (or events) made moot.

    Returns the number of rows inserted. The query count is fixed: it grows with neither the
    readers nor the programs.

    Most 5-minute sweeps find nothing new, and planning it all again (joining every tracking
    reader to its milestones only to hit the unique key, and rereading every pending row)
    cost most of a full run. So a sweep first asks whether anything planning reads changed
    since the last complete run: the milestones' dates, versions and crossed leads (their
    signature, which also moves when a day or a send hour passes), and any write to readers
    or to the outbox that database triggers record as an OutboxChange. Neither: the run would
    insert and retire nothing, and stops after three cheap queries. Either: a full run, as
    before. The changes are taken (deleted) in this transaction, so a run that fails leaves
    them for the next, and a write committed meanwhile leaves a row the next sweep sees.
    """
    now = now or timezone.now()
    due, past, signature = _scan_milestones(now)
    changed = OutboxChange.objects.all().delete()[0]
    last = PlanningState.objects.filter(pk=1).values_list("signature", flat=True).first()
    if not changed and last == signature:
        return 0
    inserted = _insert(_lead_rows(due, now)) + _insert(_change_notice_rows(past, now))
    _retire(now, past)
    if last is None:
        PlanningState.objects.create(pk=1, signature=signature, planned_at=now)
    else:
        PlanningState.objects.filter(pk=1).update(signature=signature, planned_at=now)
    if inserted:
        logger.info("Planned %d reminders", inserted)
    return inserted


def _retire(now, past):
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
    # The date moved: these were about the old date (the new version gets its own rows).
    # Kept rather than deleted so the admin shows why they never went out.
    pending.filter(version__lt=F("milestone__version")).update(status=Reminder.Status.SUPERSEDED)
    # After downtime a 7-day row may still be pending when the 3-day row is planned, and a
    # change notice already carries everything a lead mail planned with it would say.
    later = Reminder.objects.filter(
        recipient_key=OuterRef("recipient_key"),
        milestone=OuterRef("milestone"),
        version=OuterRef("version"),
        status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING, Reminder.Status.SENT],
    )
    pending.filter(lead_days__gte=0).filter(
        Exists(later.filter(lead_days__gte=0, lead_days__lt=OuterRef("lead_days")))
        | Exists(
            later.filter(
                lead_days=Reminder.CHANGE_NOTICE, created_at__gte=OuterRef("created_at")
            )
        )
    ).update(status=Reminder.Status.SUPERSEDED)
    pending.filter(
        ~READER_STILL_WANTS
        | Q(milestone__program__is_published=False)
        | Q(milestone__in=past)
        | Q(milestone__due_on__lt=horizon(now))
    ).update(status=Reminder.Status.CANCELLED)


def _lead_rows(due, now):
    """The (reader, milestone, lead, version) rows due now: one SELECT per kind of reader
    (contacts, subscriptions, group robots)."""
    if not due:
        return []
    lead = Case(
        *[When(pk=pk, then=Value(days)) for pk, days in due.items()], output_field=IntegerField()
    )
    milestones = Milestone.objects.filter(pk__in=due).order_by()
    common = {"milestone_id": F("pk"), "lead_days": lead, "version": F("version"),
              "due_on": F("due_on")}
    contact = "program__applications__organization__contacts__pk"
    applicants = milestones.filter(
        receiving(
            "program__applications__organization__contacts__",
            "program__applications__organization",
        ),
        audience=Milestone.Audience.APPLICANT,
        program__applications__status__in=TRACKING,
        program__applications__organization__contacts__isnull=False,
    )
    subscribers = milestones.filter(
        program__subscriptions__audience=F("audience"),
        program__subscriptions__unsubscribed_at=None,
    )
    # An organization's group robots read what its applicants read (one filter() call: the
    # robots are the same application's organization's).
    robots = milestones.filter(
        audience=Milestone.Audience.APPLICANT,
        program__applications__status__in=TRACKING,
        program__applications__organization__webhooks__enabled=True,
    )
    robot = "program__applications__organization__webhooks__pk"
    return [
        _outbox_row(
            applicants,
            now,
            **common,
            application_id=F("program__applications__pk"),
            contact_id=F(contact),
            subscription_id=NULL_ID,
            webhook_id=NULL_ID,
            recipient_key=_key("c", contact),
        ),
        _outbox_row(
            subscribers,
            now,
            **common,
            application_id=NULL_ID,
            contact_id=NULL_ID,
            subscription_id=F("program__subscriptions__pk"),
            webhook_id=NULL_ID,
            recipient_key=_key("s", "program__subscriptions__pk"),
        ),
        _outbox_row(
            robots,
            now,
            **common,
            application_id=F("program__applications__pk"),
            contact_id=NULL_ID,
            subscription_id=NULL_ID,
            webhook_id=F(robot),
            recipient_key=_key("w", robot),
        ),
    ]


def _change_notice_rows(past, now):
    """One notice per reader who was mailed an older date of a milestone still ahead."""
    told_old_date = Reminder.objects.filter(
        READER_STILL_WANTS,
        status=Reminder.Status.SENT,
        version__lt=F("milestone__version"),
        milestone__program__is_published=True,
        milestone__due_on__gte=horizon(now),
    ).exclude(milestone__in=past)
    rows = _outbox_row(
        told_old_date.order_by(),
        now,
        milestone_id=F("milestone"),
        lead_days=Value(Reminder.CHANGE_NOTICE),
        version=F("milestone__version"),
        due_on=F("milestone__due_on"),
        application_id=F("application"),
        contact_id=F("contact"),
        subscription_id=F("subscription"),
        webhook_id=F("webhook"),
        recipient_key=F("recipient_key"),
    )
    return [rows.distinct()]




def _key(prefix, path):
    return Concat(Value(prefix), Cast(path, CharField()), output_field=CharField())


def _outbox_row(queryset, now, **columns):
    """`queryset` as SELECT rows shaped like the outbox table, a fresh pending row each."""
    columns.update(
        status=Value(Reminder.Status.PENDING.value),
        attempts=Value(0),
        next_attempt_at=Value(now),
        last_error=Value(""),
        created_at=Value(now),
    )
    return queryset.values(**bulk_columns(**columns))


def _insert(querysets):
    """INSERT … SELECT each queryset into the outbox, skipping rows the unique key already has
    (`bulk.insert_select`: bulk_create would round-trip every row through Python, and SQLite's
    INSERT OR IGNORE would also swallow a broken CHECK)."""
    return sum(insert_select(Reminder, queryset) for queryset in querysets)

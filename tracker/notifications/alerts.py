"""Matching programs to organizations and planning who is told, on which channel.

`sweep()` is what both triggers run: the django-q2 task queued from `transaction.on_commit`
when a program is saved (admin, import, clone: `services.alerts.program_saved`) and the
periodic schedule, the safety net for any other path. It is safe to run twice, late, or on
several clusters at once:
- a program is matched again only when what its verdicts read changed (its fingerprint,
  `eligibility.registry.fingerprint`); that bumps `Program.alert_version` (`new_version`),
  under a row lock, and each version is planned once (`alert_planned_version`);
- messages are inserted against `tracker_alert_once` (organization, program, version, kind)
  and deliveries against `tracker_alertdelivery_once` (member, message, channel), so a rerun
  inserts nothing;
- an organization is told of a program once: one told about an earlier version is not told
  again, and one that no longer matches after a change has no row for the new version;
- a member's saved search is told of a program once (`tracker_alert_once_per_search`), when a
  new version of it is planned and the program list would show it under the search.

Every alert of an organization also goes to its enabled group robots (WeCom, DingTalk): one
more outbox row per (robot, message), sent by `ROBOTS` like the mails. Saved searches are a
member's own and stay out of the group chat.

How the matching is split between SQL and Python: each rule says itself over Organization rows
(`Rule.organizations()`): kind, region (by code prefix, so a provincial program covers its
cities and counties), sectors under the program's sector policy, and the rules that are
program-wide (dates) or that an organization's own profile cannot fail (co-building units,
partnership priority). Those conditions become one INSERT … SELECT of every message, with the
verdict (eligible, or incomplete where some rule finds an answer missing) as a CASE: a fixed
number of queries whatever the number of organizations. A rule that cannot be said in SQL
returns None; the organizations the other rules let through are then loaded in batches and
judged by `eligibility.evaluate()` in Python, the same code the pages run.
"""

import itertools
import logging
from functools import partial

from django.db import transaction
from django.db.models import Case, Exists, F, JSONField, OuterRef, Q, Value, When
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone

from tracker.eligibility import Profile, Summary, evaluate, load_rule_lists, relations
from tracker.eligibility.registry import fingerprint, organization_match
from tracker.models import (
    AlertChannel,
    AlertDelivery,
    AlertKind,
    AlertMessage,
    AlertPreference,
    Application,
    Membership,
    Organization,
    OutboxRow,
    Program,
    ProgramWatch,
    SavedSearch,
    Webhook,
)
from tracker.models.timezones import local_dates_anywhere
from tracker.notifications import sending
from tracker.notifications.alert_texts import AlertMails, AlertRobotChannel
from tracker.notifications.bulk import NULL_ID, columns, insert_select
from tracker.notifications.channels.email import EmailChannel
from tracker.selectors.programs import filtered_programs
from tracker.web.forms import ProgramFilterForm

logger = logging.getLogger(__name__)

PYTHON_BATCH = 2000

EMAILS = sending.Outbox(
    AlertDelivery,
    partial(EmailChannel, AlertMails),
    related=["message__program__authority", "message__organization", "message__saved_search",
             "user"],
    scope=Q(channel=AlertChannel.EMAIL),
)
ROBOTS = sending.Outbox(
    AlertDelivery,
    AlertRobotChannel,
    related=["message__program__authority", "message__organization", "webhook"],
    scope=Q(channel=AlertChannel.WEBHOOK),
)


def sweep(now=None, organization_id=None):
    """Match the programs whose rules changed (and, given `organization_id`, that
    organization's new profile against every open program), then send the alert mails and
    robot messages due."""
    now = now or timezone.now()
    planned = match_changed(now) + plan_openings(now)
    if organization_id is not None:
        planned += match_organization(organization_id, now)
    mails, robots = sending.drain(EMAILS, now), sending.drain(ROBOTS, now)
    return {"planned": planned, **{key: mails[key] + robots[key] for key in mails}}


def _open_programs(now):
    """Published programs whose deadline has not passed everywhere yet, with what the rules
    and the fingerprint read, locked in id order: concurrent sweeps on PostgreSQL take turns
    (on SQLite the IMMEDIATE transaction already serialises them)."""
    programs = (
        Program.objects.published()
        .filter(deadline__gte=local_dates_anywhere(now)[0])
        .select_related("authority")
        .select_for_update(of=("self",))
        .prefetch_related(*relations())
        .order_by("pk")
    )
    return load_rule_lists(programs)


@transaction.atomic
def match_changed(now=None):
    """Plan the alerts of every open program whose fingerprint changed, or whose version is
    not planned yet (the second of two concurrent sweeps sees what the first one did and
    plans nothing); returns the number of messages planned."""
    now = now or timezone.now()
    planned = 0
    changed = []
    for program in _open_programs(now):
        new_version(program)
        if program.alert_planned_version == program.alert_version:
            continue
        planned += plan_new_matches(program, now)
        changed.append(program.pk)
        program.alert_planned_version = program.alert_version
        Program.objects.filter(pk=program.pk).update(
            alert_planned_version=program.alert_version
        )
    if changed:
        planned += plan_saved_searches(changed, now)
    if planned:
        logger.info("Planned %d alerts", planned)
    return planned


def new_version(program):
    """Bump `program`'s alert version if its fingerprint changed (its rule lists loaded, the
    row locked by the caller); True if it did."""
    digest = fingerprint(program)
    if digest == program.alert_fingerprint:
        return False
    program.alert_version += 1
    program.alert_fingerprint = digest
    Program.objects.filter(pk=program.pk).update(
        alert_version=program.alert_version, alert_fingerprint=digest
    )
    return True


@transaction.atomic
def match_organization(organization_id, now=None):
    """One organization's profile (just saved) against every open program already matched:
    one planning per program, each narrowed to that organization."""
    now = now or timezone.now()
    return sum(
        plan_new_matches(program, now, organization_id)
        for program in _open_programs(now) if program.alert_version
    )


def plan_new_matches(program, now, organization_id=None):
    """The new-match messages of `program`'s current version (its rule lists loaded), then
    their deliveries; for every organization, or the one `organization_id`. Returns the
    number of messages."""
    today = program.local_today(now)
    passes, unknown, in_python = organization_match(program, today)
    everyone = Organization.objects.all()
    if organization_id is not None:
        everyone = everyone.filter(pk=organization_id)
    candidates = everyone.filter(
        passes,
        # Someone to tell: organizations nobody has joined are records, not readers.
        Exists(Membership.objects.filter(organization=OuterRef("pk"))),
    ).exclude(
        # Those that track it hear of changed verdicts instead.
        Exists(Application.objects.filter(organization=OuterRef("pk"), program=program))
    ).exclude(
        Exists(AlertMessage.objects.filter(
            organization=OuterRef("pk"), program=program, kind=AlertKind.NEW_MATCH
        ))
    )
    message = {
        "program_id": Value(program.pk), "kind": Value(AlertKind.NEW_MATCH.value),
        "version": Value(program.alert_version), "created_at": Value(now),
    }
    if in_python:
        count = _judge_in_python(candidates, program, today, message, now)
    else:
        verdict = Case(
            When(unknown, then=Value(Summary.INCOMPLETE.value)),
            default=Value(Summary.ELIGIBLE.value),
        )
        rows = candidates.values(**columns(
            organization_id=F("pk"), application_id=NULL_ID, verdict=verdict,
            changes=Cast(Value("[]"), JSONField()), **message,
        ))
        count = insert_select(AlertMessage, rows)
    plan_deliveries(
        AlertKind.NEW_MATCH, now, program=program, version=program.alert_version
    )
    return count


def _judge_in_python(candidates, program, today, message, now):
    """The rules SQL cannot say, judged on the prefiltered organizations in batches."""
    organizations = (
        candidates.select_related("region")
        .prefetch_related("sectors", "facts", "held_qualifications").order_by("pk")
        .iterator(chunk_size=PYTHON_BATCH)
    )
    count = 0
    while batch := list(itertools.islice(organizations, PYTHON_BATCH)):
        rows = []
        for organization in batch:
            summary = evaluate(Profile.for_organization(organization), program, today).summary
            if summary != Summary.NOT_ELIGIBLE:
                rows.append(AlertMessage(
                    organization=organization, program=program, kind=AlertKind.NEW_MATCH,
                    version=program.alert_version, verdict=summary, created_at=now,
                ))
        count += len(AlertMessage.objects.bulk_create(rows, ignore_conflicts=True))
    return count


@transaction.atomic
def plan_openings(now=None):
    """One `OPENED` alert per watched program that takes applications now (each on its own
    time zone's date), once per organization and program; then its deliveries."""
    now = now or timezone.now()
    opened = Program.objects.published().taking_applications(now).values("pk")
    told = AlertMessage.objects.filter(
        organization=OuterRef("organization"), program=OuterRef("program"),
        kind=AlertKind.OPENED,
    )
    rows = ProgramWatch.objects.filter(program__in=opened).exclude(Exists(told)).values(**columns(
        organization_id=F("organization"), program_id=F("program"), application_id=NULL_ID,
        kind=Value(AlertKind.OPENED.value), version=F("program__alert_version"),
        verdict=Value(""), changes=Cast(Value("[]"), JSONField()), created_at=Value(now),
    ))
    count = insert_select(AlertMessage, rows)
    if count:
        plan_deliveries(AlertKind.OPENED, now, created_at=now)
    return count


def plan_saved_searches(program_ids, now):
    """The saved-search alerts of the programs `program_ids` (each with a new version just
    planned): for each saved search, the programs among them the program list would show under
    its query string, parsed and filtered by the list's own code (`ProgramFilterForm`,
    `filtered_programs`), one INSERT … SELECT; then their deliveries. A search whose query
    string no longer validates (an authority or sector since removed) is skipped; its page says
    so. Returns the number of messages.

    Queries: one for the searches, one for the time zones in use, then per distinct query
    string what its form's validation reads (at most one each for a region, an authority and a
    sector) and per search one INSERT; so it grows with the number of saved searches (at most
    SavedSearch.LIMIT per member), never with that of programs or organizations."""
    searches = SavedSearch.objects.filter(user__is_active=True).order_by("pk")
    zones = None
    filters = {}
    count = 0
    for search in searches.iterator(chunk_size=PYTHON_BATCH):
        if search.querystring not in filters:
            filters[search.querystring] = search_filters(search.querystring)
        if filters[search.querystring] is None:
            continue
        if zones is None:
            zones = list(Program.objects.published().order_by().values_list(
                "timezone", flat=True).distinct())
        listed = filtered_programs(filters[search.querystring], now=now, zones=zones)
        rows = listed.filter(pk__in=program_ids).values(**columns(
            organization_id=Value(search.organization_id), program_id=F("pk"),
            application_id=NULL_ID, saved_search_id=Value(search.pk),
            kind=Value(AlertKind.SAVED_SEARCH.value), version=F("alert_version"),
            verdict=Value(""), changes=Cast(Value("[]"), JSONField()), created_at=Value(now),
        ))
        count += insert_select(AlertMessage, rows)
    if count:
        plan_deliveries(AlertKind.SAVED_SEARCH, now, created_at=now)
    return count


def search_form(querystring):
    """The program list's filter form bound to a saved query string."""
    return ProgramFilterForm(QueryDict(querystring))


def search_filters(querystring):
    """The cleaned filters of a saved query string, or None if it no longer validates."""
    form = search_form(querystring)
    return form.cleaned_data if form.is_valid() else None


def takes(kind, frequencies, user="user"):
    """A condition on rows with a path `user` to a user (Membership rows by default): the
    user's frequency for alerts of `kind` (their preference, or the kind's default) is one of
    `frequencies`."""
    preferences = AlertPreference.objects.filter(user=OuterRef(user), kind=kind)
    if AlertPreference.DEFAULTS[kind] in frequencies:
        return ~Exists(preferences.exclude(frequency__in=frequencies))
    return Exists(preferences.filter(frequency__in=frequencies))


def plan_deliveries(kind, now, **messages):
    """For each message of `kind` matching `messages` (filters on AlertMessage), an in-app
    delivery to each member of its organization who has not turned the kind off, and an email
    one to those who take it at once (the others read it in their digest,
    `notifications.digests`), and a robot one to each of its enabled group robots: three
    INSERT … SELECT. In-app rows are delivered by being written; email and robot rows wait
    for a sender. A saved search's news reaches only the member who saved it, no robot."""
    frequency = AlertPreference.Frequency
    on_messages = {f"organization__alerts__{name}": value for name, value in messages.items()}
    # In the same filter() as the other conditions on the message: one join, the same row.
    own = {"organization__alerts__saved_search__user": F("user")}
    readers = Membership.objects.filter(
        takes(kind, [frequency.IMMEDIATE, frequency.DAILY, frequency.WEEKLY]),
        user__is_active=True, **on_messages, organization__alerts__kind=kind,
        **(own if kind == AlertKind.SAVED_SEARCH else {}),
    )
    common = {"message_id": F("organization__alerts__pk"), "user_id": F("user_id"),
              "attempts": Value(0), "next_attempt_at": Value(now), "last_error": Value(""),
              "created_at": Value(now)}
    in_app = readers.values(**columns(
        **common, channel=Value(AlertChannel.IN_APP.value),
        status=Value(OutboxRow.Status.SENT.value), sent_at=Value(now),
    ))
    email = readers.filter(takes(kind, [frequency.IMMEDIATE])).exclude(user__email="")
    email = email.values(**columns(
        **common, channel=Value(AlertChannel.EMAIL.value),
        status=Value(OutboxRow.Status.PENDING.value),
    ))
    count = insert_select(AlertDelivery, in_app) + insert_select(AlertDelivery, email)
    if kind == AlertKind.SAVED_SEARCH:
        return count
    # Robots take every kind at once: a group chat has no digest.
    robots = Webhook.objects.filter(
        enabled=True, **on_messages, organization__alerts__kind=kind
    ).values(**columns(
        **{**common, "user_id": NULL_ID}, webhook_id=F("pk"),
        channel=Value(AlertChannel.WEBHOOK.value), status=Value(OutboxRow.Status.PENDING.value),
    ))
    return count + insert_select(AlertDelivery, robots)

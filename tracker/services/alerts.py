"""Writes on alerts: the triggers after a program or a profile is saved, the changed verdicts
of tracked applications, members' preferences, reading."""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from tracker.eligibility import Profile, evaluate, impact
from tracker.eligibility.rules import CoBuilderRule
from tracker.models import (
    AlertChannel,
    AlertDelivery,
    AlertKind,
    AlertMessage,
    AlertPreference,
    Program,
    ProgramWatch,
    SavedSearch,
)
from tracker.notifications import alerts
from tracker.web.forms import ProgramFilterForm, form_errors_text

MATCH_TASK = "tracker.tasks.send_alerts"
ORGANIZATION_TASK = "tracker.tasks.match_organization"
UNKNOWN_FREQUENCY = _("Choose one of: %(choices)s.")
NOT_A_MEMBER = _("Only members of %(organization)s can ask for its alerts.")
NOT_UPCOMING = _("This program is not waiting to open: track it instead.")
SEARCH_LIMIT = _("You can keep at most %(limit)d saved searches: delete one first.")
SEARCH_SAVED_ALREADY = _("You saved this search already, as “%(name)s”.")
SEARCH_INVALID = _("These filters cannot be saved: %(errors)s")


def program_saved(program, verdicts_before=None):
    """After `program` (its inlines, sectors and regions with it) is saved: tell the
    organizations whose tracked application's verdict the change flipped (given the
    `verdicts_before` the save), and queue the alerts' sweep once the transaction commits
    (before, a worker would match the old rules). The sweep compares fingerprints, so a save
    that changed nothing the verdicts read tells nobody."""
    if not program.is_published:
        return
    if verdicts_before is not None:
        tell_verdict_changes(program.pk, verdicts_before)
    transaction.on_commit(lambda: async_task(MATCH_TASK))


def verdicts_before(program_id):
    """(the saved program, {application id: Verdict}) for each application tracking it: what
    an edit about to be saved is compared with (`tell_verdict_changes`)."""
    program = impact.program_for_impact(program_id)
    applications = impact.tracked_applications(program)
    return program, {a.pk: evaluate(Profile.for_application(a), program) for a in applications}


@transaction.atomic
def tell_verdict_changes(program_id, before, now=None):
    """One message per tracked application whose verdict the saved edit flipped, naming each
    rule whose finding moved and its fix; then its deliveries. Returns the messages' number.

    Under the program's row lock, the edit gets its alert version here (the sweep then sees
    the fingerprint unchanged and plans the version's new matches, once)."""
    now = now or timezone.now()
    program_before, verdicts = before
    Program.objects.select_for_update().filter(pk=program_id).first()
    program = impact.program_for_impact(program_id)
    alerts.new_version(program)
    messages = []
    for application in impact.tracked_applications(program):
        profile = Profile.for_application(application)
        after = evaluate(profile, program)
        earlier = verdicts.get(application.pk)
        if earlier is None or earlier.summary == after.summary:
            continue
        messages.append(AlertMessage(
            organization_id=application.organization_id, program=program,
            application=application, kind=AlertKind.VERDICT_CHANGE,
            version=program.alert_version, verdict=after.summary, created_at=now,
            changes=_changes(earlier, after, program_before, program, profile),
        ))
    AlertMessage.objects.bulk_create(messages, ignore_conflicts=True)
    alerts.plan_deliveries(
        AlertKind.VERDICT_CHANGE, now, program=program, version=program.alert_version
    )
    return len(messages)


def _changes(before, after, program_before, program, profile):
    """The rules whose outcome moved, with the words of the new finding (in the language of
    the administrator's request, the fallback) and, for the co-building units, the numbers
    the reader's sentence is made of (`alert_texts.change_sentence`)."""
    outcomes = {f.rule: f.outcome for f in before.findings}
    changes = []
    for finding in after.findings:
        if outcomes.get(finding.rule) == finding.outcome:
            continue
        change = {"rule": finding.rule, "label": str(finding.label),
                  "reason": str(finding.reason), "fix": str(finding.fix)}
        if finding.rule == CoBuilderRule.key:
            change.update(before=program_before.max_co_builders, after=program.max_co_builders,
                          count=profile.co_builder_count)
        changes.append(change)
    return changes


def organization_saved(organization):
    """Match `organization`'s new profile against the open programs once it is committed."""
    transaction.on_commit(lambda: async_task(ORGANIZATION_TASK, organization.pk))


def watch_program(user, organization, program, now=None):
    """"Notify me when it opens": `organization` (one of `user`'s) hears the day `program`,
    published and not open yet, takes applications (`alerts.plan_openings`)."""
    if not organization.memberships.filter(user=user).exists():
        raise ValidationError(NOT_A_MEMBER, code="not_a_member",
                              params={"organization": organization})
    if not program.is_published or program.status_on(program.local_today(now)) != "upcoming":
        raise ValidationError(NOT_UPCOMING, code="not_upcoming")
    return ProgramWatch.objects.get_or_create(
        organization=organization, program=program, defaults={"user": user}
    )[0]


def set_preferences(user, frequencies):
    """{kind: frequency} for `user`; kinds left out keep theirs."""
    choices = AlertPreference.Frequency.values
    for kind, frequency in frequencies.items():
        if kind not in AlertKind.values or frequency not in choices:
            raise ValidationError(
                {kind: ValidationError(
                    UNKNOWN_FREQUENCY, code="frequency", params={"choices": ", ".join(choices)}
                )}
            )
    with transaction.atomic():
        for kind, frequency in frequencies.items():
            AlertPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"frequency": frequency}
            )


def _inbox(user):
    return AlertDelivery.objects.filter(user=user, channel=AlertChannel.IN_APP, read_at=None)


def mark_read(user, delivery_id, now=None):
    """Mark one of `user`'s own in-app alerts read; False if it is not theirs (or read)."""
    return _inbox(user).filter(pk=delivery_id).update(read_at=now or timezone.now()) == 1


def mark_all_read(user, now=None):
    return _inbox(user).update(read_at=now or timezone.now())


def search_querystring(query):
    """The filters of a program list's query string: only the list form's own fields, each
    with the value the form reads (the last), none empty, in a fixed order, so that the same
    filters always read the same (the saved search's key), without the page shown, and
    bounded by what the form accepts."""
    given = QueryDict(query)
    return urlencode(sorted(
        (name, given[name]) for name in ProgramFilterForm.base_fields if given.get(name)
    ))


@transaction.atomic
def save_search(*, user, organization, name, querystring):
    """Keep `querystring` (the program list's filters) as `user`'s search `name`, for
    `organization` (one of theirs); at most SavedSearch.LIMIT per member."""
    if not organization.memberships.filter(user=user).exists():
        raise ValidationError(NOT_A_MEMBER, code="not_a_member",
                              params={"organization": organization})
    querystring = search_querystring(querystring)
    form = alerts.search_form(querystring)
    if not form.is_valid():
        raise ValidationError(SEARCH_INVALID, code="invalid_filters",
                              params={"errors": form_errors_text(form)})
    # The member's row, locked: two saves at once cannot both take the last place.
    get_user_model().objects.select_for_update().filter(pk=user.pk).get()
    searches = SavedSearch.objects.filter(user=user)
    if same := searches.filter(organization=organization, querystring=querystring).first():
        raise ValidationError(SEARCH_SAVED_ALREADY, code="saved_already",
                              params={"name": same.name})
    if searches.count() >= SavedSearch.LIMIT:
        raise ValidationError(SEARCH_LIMIT, code="limit", params={"limit": SavedSearch.LIMIT})
    return SavedSearch.objects.create(
        user=user, organization=organization, name=name, querystring=querystring
    )


def delete_search(*, user, search_id):
    """Delete one of `user`'s saved searches, and the alerts it told with it (their text names
    the search); False if it is not theirs."""
    return SavedSearch.objects.filter(user=user, pk=search_id).delete()[0] > 0

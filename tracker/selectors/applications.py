"""Reads of applications: the firm's dashboard cards and one application's page."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from tracker.eligibility import Profile, evaluate, load_rule_lists, prefetch_for_rules
from tracker.models import Application


def applications_for(user):
    """The applications `user` may see, with everything the rules and the cards read, in a
    fixed number of queries however many there are."""
    return (
        Application.objects.for_user(user)
        .select_related("organization__region", "program__authority")
        .prefetch_related(
            *Profile.prefetch_for_application(), *prefetch_for_rules("program__")
        )
        .order_by("program__deadline", "program__slug", "organization__name_zh")
    )


def application_for(user, pk):
    """One of the user's applications, loaded for its page; 404 for anybody else's."""
    return get_object_or_404(applications_for(user), pk=pk)


def application_to_change(user, pk):
    """One of the user's applications, for an action on it; 404 for anybody else's. Without
    what the rules and the card read: the services read what they check again, under a lock."""
    queryset = Application.objects.for_user(user).select_related("organization", "program")
    return get_object_or_404(queryset, pk=pk)


def dashboard_cards(user):
    applications = list(applications_for(user))
    load_rule_lists(a.program for a in applications)
    return [card(a) for a in applications]


def card(application):
    """What an application's card shows: the verdict, the dates, co-builders, the checklist."""
    profile = Profile.for_application(application)
    program = application.program
    return {
        "application": application,
        "program": program,
        "verdict": evaluate(profile, program),
        "days_left": program.days_left(),
        "status": program.status_on(),
        "co_builders": application.co_builders.all(),
        "items": [
            (item, item.pk in profile.ticked_item_ids) for item in program.checklist_items.all()
        ],
        **status_actions(application),
    }


Status = Application.Status
ACTION_LABELS = {
    (Status.INTERESTED, Status.PREPARING): _("Start preparing"),
    (Status.SUBMITTED, Status.PREPARING): _("Undo the submission"),
    (Status.WITHDRAWN, Status.PREPARING): _("Resume preparing"),
}


def status_actions(application):
    """The status buttons the firm's card offers.

    Submitting has its own form with the confirmation. A move back into preparation that the
    service would refuse because the program has closed is not offered; `closed_for_return`
    tells the page to say why instead.
    """
    program = application.program
    closed = program.status_on() == program.Status.CLOSED
    actions, closed_for_return = [], False
    for status in application.next_statuses:
        if status == Status.SUBMITTED:
            continue
        if closed and (application.status, status) in Application.BACK_TO_PREPARING_WHILE_OPEN:
            closed_for_return = True
            continue
        label = ACTION_LABELS.get((application.status, status))
        if label is None:
            label = _("Withdraw") if status == Status.WITHDRAWN else status.label
        actions.append((status, label))
    return {
        "can_submit": Status.SUBMITTED in application.next_statuses,
        "status_actions": actions,
        "closed_for_return": closed_for_return,
    }

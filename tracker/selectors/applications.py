"""Reads of applications: the firm's dashboard cards and one application's page."""

from django.shortcuts import get_object_or_404

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
    """One of the user's applications; 404 for anybody else's."""
    return get_object_or_404(applications_for(user), pk=pk)


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
    }

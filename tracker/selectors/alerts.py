"""Reads for the notification centre and the header's unread count."""

from tracker.models import AlertChannel, AlertDelivery, AlertKind, AlertPreference, SavedSearch
from tracker.notifications.alert_texts import render
from tracker.notifications.alerts import search_form
from tracker.web.forms import form_errors_text

PAGE_SIZE = 50


def inbox(user):
    """`user`'s in-app alerts about organizations they are still a member of: someone who
    left a team no longer reads its news."""
    return AlertDelivery.objects.filter(
        user=user, channel=AlertChannel.IN_APP, message__organization__memberships__user=user
    )


def notifications(user, language, limit=PAGE_SIZE):
    """[(delivery, AlertText)], newest first, in one query: the texts are rendered from the
    rows loaded with it."""
    rows = inbox(user).select_related(
        "message__program__authority", "message__organization", "message__saved_search"
    ).order_by("-created_at", "-id")[:limit]
    return [(delivery, render(delivery.message, language)) for delivery in rows]


def unread_count(user):
    return inbox(user).filter(read_at=None).count()


def preferences(user):
    """{kind: frequency} for every kind, defaults filled in; one query."""
    chosen = dict(AlertPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, AlertPreference.DEFAULTS[kind]) for kind in AlertKind.values}


def saved_searches(user):
    """[(search, problems)] of `user`'s saved searches, problems ("" when none) naming the
    filters that no longer validate (an authority or sector since removed): such a search is
    skipped by matching, and its page says why. One query, then what each distinct query
    string's validation reads (at most SavedSearch.LIMIT of them)."""
    searches = SavedSearch.objects.filter(user=user).select_related("organization")
    problems = {}
    rows = []
    for search in searches:
        if search.querystring not in problems:
            form = search_form(search.querystring)
            problems[search.querystring] = "" if form.is_valid() else form_errors_text(form)
        rows.append((search, problems[search.querystring]))
    return rows

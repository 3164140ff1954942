"""Responses several page families return, and the caching rule of the private ones."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import cache_control

# For a firm's own pages and for the links whose address is the credential: neither the
# browser (a shared office computer's history and back button) nor a proxy on the way may keep
# a copy. Put it outermost, so that login redirects and refused methods get it too.
private_page = cache_control(private=True, no_store=True)


def anchor(application):
    """The id of an application's card (on its page) and of its line (on the dashboard), and
    the tag of its messages."""
    return f"application-{application.pk}"


def back_to_application(application):
    """Where an action on an application returns: its page, where its forms are."""
    return redirect("tracker:application", application.pk)


def tell(request, application, level, text):
    """A message about `application`, shown in its card, next to what was acted on: at the
    top of the page it would be out of sight (on a phone by a screen or more) and read as
    being about the whole page."""
    messages.add_message(request, level, text, extra_tags=anchor(application))


def place_messages(request, cards):
    """Put each pending message into the card (or dashboard line) it is about; return the
    others, for the top of the page."""
    by_anchor = {anchor(card["application"]): card.setdefault("messages", []) for card in cards}
    general = []
    for message in messages.get_messages(request):
        by_anchor.get(message.extra_tags, general).append(message)
    return general


def ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


PLAIN_TEXT = "text/plain; charset=utf-8"

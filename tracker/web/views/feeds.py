"""The reader-facing links that carry their own credential: the organization's private
calendar feed and the unsubscribe link of reminder mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tracker.models import Organization
from tracker.notifications import calendars, tokens
from tracker.selectors.calendars import organization_milestones
from tracker.selectors.organizations import member_organizations
from tracker.services.organizations import reset_calendar_token
from tracker.web.views.responses import ics_response, private_page


@private_page
def organization_calendar(request, token):
    """A private feed: the token in the address is the credential (calendar apps cannot log
    in), so it is long and random, and owners can reset it from the dashboard."""
    organization = get_object_or_404(Organization, calendar_token=token)
    name = _("%(organization)s: application deadlines") % {"organization": organization}
    body = calendars.calendar(name, organization_milestones(organization))
    return ics_response(body, "deadlines.ics")


@private_page
@login_required
@require_POST
def calendar_reset(request, pk):
    reset_calendar_token(get_object_or_404(member_organizations(request.user), pk=pk))
    messages.success(request, _("The calendar address was changed; the old one no longer works."))
    return redirect("tracker:dashboard")


# The signed token is the credential, so no login and no CSRF token: RFC 8058 one-click POSTs
# come from mail clients that have neither.
@private_page
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    reader = tokens.reader_for_token(token)
    if reader is None:
        return render(request, "tracker/unsubscribe.html", {"state": "invalid"}, status=400)
    if request.method == "POST":
        state = "done" if tokens.unsubscribe(reader) else "used"
    else:
        state = "used" if reader.unsubscribed_at else "confirm"
    ctx = {"state": state, "reader": reader, "token": token}
    return render(request, "tracker/unsubscribe.html", ctx, status=410 if state == "used" else 200)

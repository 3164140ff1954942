"""The public program pages: the list, one program, tracking it, its calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.eligibility import Profile, evaluate
from tracker.models import Application, Program
from tracker.notifications import calendars
from tracker.selectors import calendars as calendar_selectors
from tracker.selectors.organizations import trackable_organizations
from tracker.selectors.programs import landing_programs, listed_programs, program_for
from tracker.services import applications as application_services
from tracker.services.alerts import watch_program
from tracker.web.forms import ProgramFilterForm, TrackForm, WatchForm
from tracker.web.views.responses import back_to_dashboard, ics_response, tell


def index(request):
    """The home page: what the service is, for whom, who runs it, where to start, and what
    closes soon."""
    lists = landing_programs()
    ctx = {
        "closing_first": [_program_row(p) for p in lists["closing_first"]],
        "examples": [_program_row(p) for p in lists["examples"]],
    }
    return render(request, "tracker/index.html", ctx)


def programs(request):
    form = ProgramFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    listed = listed_programs(
        status=filters.get("status", ""),
        sector=filters.get("sector"),
        authority=filters.get("authority"),
    )
    ctx = {
        "form": form,
        "rows": [_program_row(p) for p in listed],
        "status": filters.get("status", ""),
    }
    return render(request, "tracker/program_list.html", ctx)


def _program_row(program):
    return {"program": program, "status": program.status_on(), "days_left": program.days_left()}


def program_detail(request, slug):
    program = program_for(request.user, slug)
    tracking = Application.objects.for_user(request.user).filter(program=program)
    ctx = {
        **_program_row(program),
        "today": program.local_today(),
        "rules": evaluate(Profile(), program).findings,
        "sectors": program.sectors_in_order(),
        "tracking": tracking.select_related("organization"),
        "trackable": list(trackable_organizations(request.user, program)[:100]),
    }
    return render(request, "tracker/program_detail.html", ctx)


@login_required
@require_POST
def track(request, slug):
    program = program_for(request.user, slug)
    form = TrackForm(request.POST, user=request.user, program=program)
    if not form.is_valid():
        messages.error(request, _("Choose one of your organizations that does not track it yet."))
        return redirect("tracker:program", slug=slug)
    application = application_services.track(
        organization=form.cleaned_data["organization"], program=program
    )
    tell(request, application, messages.SUCCESS, _("You now track this program."))
    return back_to_dashboard(application)


@login_required
@require_POST
def watch(request, slug):
    program = program_for(request.user, slug)
    form = WatchForm(request.POST, user=request.user)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one of your organizations."))
        watch_program(request.user, form.cleaned_data["organization"], program)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You will be told the day it opens, in your notifications "
                                    "and by email."))
    return redirect("tracker:program", slug=slug)


def program_calendar(request, slug):
    program = get_object_or_404(Program.objects.published(), slug=slug)
    body = calendars.calendar(program.title, calendar_selectors.program_milestones(program))
    return ics_response(body, f"{slug}.ics")

"""The public program pages: the list, one program, tracking it, its calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.eligibility import Profile, evaluate
from tracker.interchange import result_lists
from tracker.models import Application, Program
from tracker.notifications import calendars
from tracker.selectors import calendars as calendar_selectors
from tracker.selectors.listing import listing, query_words
from tracker.selectors.organizations import trackable_organizations
from tracker.selectors.programs import LIST_ROWS, landing_programs, program_for, sector_names
from tracker.services import applications as application_services
from tracker.services.alerts import watch_program
from tracker.services.search import record_list_visit
from tracker.web.forms import (
    ProgramFilterForm,
    SavedSearchForm,
    TrackForm,
    WatchForm,
    form_errors_text,
)
from tracker.web.highlight import excerpt, highlight
from tracker.web.views.responses import (
    PLAIN_TEXT,
    back_to_application,
    ics_response,
    tell,
)


def index(request):
    """The home page: what the service is, for whom, who runs it, where to start, and what
    closes soon."""
    lists = landing_programs()
    ctx = {
        "closing_first": [_program_row(p) for p in lists["closing_first"]],
        "examples": [_program_row(p) for p in lists["examples"]],
    }
    return render(request, "tracker/index.html", ctx)


PROGRAM_PAGE_SIZE = 20
# A spreadsheet of the list holds at most this many rows (the list's first ones).
EXPORT_ROWS = 5000


def programs(request):
    """The program list: keyword search, filters with their counts, one page of rows."""
    form = ProgramFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    listed = listing(filters, sort=filters.get("sort", ""), rows=LIST_ROWS)
    page = Paginator(listed, PROGRAM_PAGE_SIZE).get_page(request.GET.get("page"))
    form.show_counts(listed.counts())
    words = query_words(filters.get("q", ""))
    since = record_list_visit(request.user) if request.user.is_authenticated else None
    sectors = sector_names(page)
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        # Members keep a list's filters as a saved search; a wrong filter is not worth keeping.
        "save_form": SavedSearchForm(user=request.user, initial={"querystring": query.urlencode()})
        if request.user.is_authenticated and (form.is_valid() or not form.is_bound) else None,
        "rows": [
            {**_program_row(p, words=words, since=since), "sectors": sectors.get(p.pk, [])}
            for p in page
        ],
        "status": filters.get("status", ""),
        "searching": bool(words),
    }
    return render(request, "tracker/program_list.html", ctx)


def programs_export(request, fmt):
    """The list as the reader filtered and sorted it, as CSV or XLSX (at most EXPORT_ROWS)."""
    form = ProgramFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(form_errors_text(form), content_type=PLAIN_TEXT)
    filters = form.cleaned_data if form.is_bound else {}
    # Like the admin's exports, never the example catalog: a spreadsheet carries no badge.
    listed = listing(filters, sort=filters.get("sort", ""), real=True, rows=LIST_ROWS)
    listed = listed[:EXPORT_ROWS]
    rows = result_lists.program_rows(
        listed, lambda p: request.build_absolute_uri(reverse("tracker:program", args=[p.slug])),
        sector_names(listed),
    )
    body, content_type = result_lists.export(rows, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="programs.{fmt}"'
    return response


def _program_row(program, words=(), since=None):
    return {
        "program": program,
        "status": program.status_on(),
        "days_left": program.days_left(),
        "title": highlight(program.title, words),
        "excerpt": excerpt(program.summary, words) if words else "",
        "is_new": bool(since and program.published_at and program.published_at > since),
    }


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
    return back_to_application(application)


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

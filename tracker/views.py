"""The pages firms and visitors use: programs, the self-check, the firm's dashboard and the
unsubscribe link of reminder emails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tracker import calendars, reminders
from tracker.eligibility import (
    RULE_FIELDS,
    Profile,
    evaluate,
    load_rule_lists,
    prefetch_for_rules,
    rank,
)
from tracker.forms import (
    ChecklistForm,
    CoBuilderForm,
    ProgramFilterForm,
    SelfCheckForm,
    StatusForm,
    TrackForm,
    trackable_organizations,
)
from tracker.models import (
    Application,
    CoBuilder,
    Organization,
    Program,
    ProgramSector,
    Reminder,
)

SELF_CHECK_PAGE_SIZE = 20
# What the rules and a result card read: hundreds of programs are ranked, so the rest of each
# row (long texts, timestamps, reminder settings) is not worth loading.
SELF_CHECK_FIELDS = [
    *RULE_FIELDS, "title_zh", "title_en", "authority__name_zh", "authority__name_en"
]


def index(request):
    return redirect("tracker:programs")


def programs(request):
    form = ProgramFilterForm(request.GET or None)
    today = timezone.localdate()
    listed = (
        Program.objects.published()
        .select_related("authority")
        .prefetch_related(
            Prefetch("program_sectors", queryset=ProgramSector.objects.select_related("sector"))
        )
    )
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["sector"]:
            listed = listed.filter(priority_sectors=form.cleaned_data["sector"])
        if form.cleaned_data["authority"]:
            listed = listed.filter(authority=form.cleaned_data["authority"])
    if status == "":
        listed = listed.open_on(today)
    elif status != "all":
        listed = listed.with_status(status, today)
    ctx = {"form": form, "rows": [_program_row(p) for p in listed], "status": status}
    return render(request, "tracker/program_list.html", ctx)


def _program_row(program):
    return {"program": program, "status": program.status_on(), "days_left": program.days_left()}


def _get_program(request, slug):
    visible = Program.objects.all() if request.user.is_staff else Program.objects.published()
    return get_object_or_404(
        visible.select_related("authority").prefetch_related(*prefetch_for_rules()), slug=slug
    )


def program_detail(request, slug):
    program = _get_program(request, slug)
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
    program = _get_program(request, slug)
    form = TrackForm(request.POST, user=request.user, program=program)
    if not form.is_valid():
        messages.error(request, _("Choose one of your organizations that does not track it yet."))
        return redirect("tracker:program", slug=slug)
    application = form.save()
    messages.success(request, _("You now track this program."))
    return _back_to(application)


def self_check(request):
    form = SelfCheckForm(request.GET or None)
    ctx = {"form": form, "page": None}
    if form.is_valid():
        profile = form.profile()
        open_programs = load_rule_lists(
            Program.objects.published()
            .open_on(timezone.localdate())
            .select_related("authority")
            .only(*SELF_CHECK_FIELDS)
            .prefetch_related(*prefetch_for_rules(checklist=False))
        )
        # Every open program is evaluated (the ranking needs them all); one page is shown.
        verdicts = rank(evaluate(profile, program) for program in open_programs)
        query = request.GET.copy()
        query.pop("page", None)
        ctx["page"] = Paginator(verdicts, SELF_CHECK_PAGE_SIZE).get_page(request.GET.get("page"))
        ctx["query"] = query.urlencode()
    return render(request, "tracker/self_check.html", ctx)


def _applications(user):
    """The user's applications with everything the rules and the cards read, in a fixed number
    of queries however many there are."""
    return (
        Application.objects.for_user(user)
        .select_related("organization__region", "program__authority")
        .prefetch_related(
            "organization__sectors",
            Prefetch("co_builders", queryset=CoBuilder.objects.select_related("organization")),
            "ticks",
            *prefetch_for_rules("program__"),
        )
        .order_by("program__deadline", "program__slug", "organization__name_zh")
    )


def _card(application):
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


@login_required
def dashboard(request):
    applications = list(_applications(request.user))
    load_rule_lists(a.program for a in applications)
    ctx = {
        "cards": [_card(a) for a in applications],
        "organizations": Organization.objects.filter(memberships__user=request.user),
    }
    return render(request, "tracker/dashboard.html", ctx)


def _get_application_for_user(request, pk):
    return get_object_or_404(_applications(request.user), pk=pk)


def _back_to(application):
    return redirect(f"{reverse('tracker:dashboard')}#application-{application.pk}")


@login_required
def application_detail(request, pk):
    ctx = {"card": _card(_get_application_for_user(request, pk))}
    return render(request, "tracker/application.html", ctx)


def _run(request, form, action, success):
    """Run `action(cleaned_data)` if the form is valid; the form's or the model's validation
    errors become a message on the page we return to (nothing is written then)."""
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        action(form.cleaned_data)
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def application_ticks(request, pk):
    application = _get_application_for_user(request, pk)
    form = ChecklistForm(request.POST, application=application)
    _run(
        request, form,
        lambda data: application.set_ticked_items(data["items"], request.user),
        _("Checklist saved."),
    )
    return _back_to(application)


@login_required
@require_POST
def application_status(request, pk):
    application = _get_application_for_user(request, pk)
    form = StatusForm(request.POST, application=application)
    _run(
        request, form, lambda data: application.change_status(data["status"]), _("Status changed.")
    )
    return _back_to(application)


@login_required
@require_POST
def co_builder_add(request, pk):
    application = _get_application_for_user(request, pk)
    form = CoBuilderForm(request.POST)
    _run(
        request, form,
        lambda data: application.add_co_builder(data["partner"]),
        _("Co-building unit added."),
    )
    return _back_to(application)


@login_required
@require_POST
def co_builder_remove(request, pk, co_builder_pk):
    application = _get_application_for_user(request, pk)
    co_builder = get_object_or_404(application.co_builders, pk=co_builder_pk)
    co_builder.delete()
    messages.success(request, _("Co-building unit removed."))
    return _back_to(application)


# --- Unsubscribe (reminder emails) --------------------------------------------------------------
# The signed token is the credential, so no login and no CSRF token: RFC 8058 one-click POSTs
# come from mail clients that have neither.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    reader = Reminder.reader_for_token(token)
    if reader is None:
        return render(request, "tracker/unsubscribe.html", {"state": "invalid"}, status=400)
    if request.method == "POST":
        state = "done" if reminders.unsubscribe(reader) else "used"
    else:
        state = "used" if reader.unsubscribed_at else "confirm"
    ctx = {"state": state, "reader": reader, "token": token}
    return render(request, "tracker/unsubscribe.html", ctx, status=410 if state == "used" else 200)


# --- Calendar feeds (iCalendar) -----------------------------------------------------------------
def _ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def program_calendar(request, slug):
    program = get_object_or_404(Program.objects.published(), slug=slug)
    milestones = program.milestones.select_related("program")
    return _ics_response(calendars.calendar(program.title, milestones), f"{slug}.ics")


def organization_calendar(request, token):
    """A private feed: the token in the address is the credential (calendar apps cannot log
    in), so it is long and random, and owners can reset it from the dashboard."""
    organization = get_object_or_404(Organization, calendar_token=token)
    name = _("%(organization)s: application deadlines") % {"organization": organization}
    body = calendars.calendar(name, organization.calendar_milestones())
    return _ics_response(body, "deadlines.ics")


@login_required
@require_POST
def calendar_reset(request, pk):
    organization = get_object_or_404(
        Organization.objects.filter(memberships__user=request.user), pk=pk
    )
    organization.reset_calendar_token()
    messages.success(request, _("The calendar address was changed; the old one no longer works."))
    return redirect("tracker:dashboard")

"""The firm's own pages: the dashboard, one application, and the actions on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.selectors.applications import (
    application_for,
    application_to_change,
    card,
    dashboard_cards,
)
from tracker.selectors.organizations import member_organizations
from tracker.services import applications as services
from tracker.web.forms import ChecklistForm, CoBuilderForm, StatusForm
from tracker.web.views.responses import back_to_dashboard, place_messages, private_page, tell


@private_page
@login_required
def dashboard(request):
    cards = dashboard_cards(request.user)
    ctx = {
        "cards": cards,
        "messages": place_messages(request, cards),
        "organizations": member_organizations(request.user),
    }
    return render(request, "tracker/dashboard.html", ctx)


@private_page
@login_required
def application_detail(request, pk):
    shown = card(application_for(request.user, pk))
    ctx = {"card": shown, "messages": place_messages(request, [shown])}
    return render(request, "tracker/application.html", ctx)


def _run(request, application, form, action, success):
    """Run `action(cleaned_data)` if the form is valid; the form's or the service's validation
    errors become a message in the application's card (nothing is written then)."""
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        action(form.cleaned_data)
        tell(request, application, messages.SUCCESS, success)
    except ValidationError as exc:
        tell(request, application, messages.ERROR, " ".join(exc.messages))


@private_page
@login_required
@require_POST
def application_ticks(request, pk):
    application = application_to_change(request.user, pk)
    form = ChecklistForm(request.POST, application=application)
    _run(
        request, application, form,
        lambda data: services.set_ticked_items(application, data["items"], request.user),
        _("Checklist saved."),
    )
    return back_to_dashboard(application)


@private_page
@login_required
@require_POST
def application_status(request, pk):
    application = application_to_change(request.user, pk)
    form = StatusForm(request.POST, application=application)
    _run(
        request, application, form,
        lambda data: services.change_status(application, data["status"]),
        _("Status changed."),
    )
    return back_to_dashboard(application)


@private_page
@login_required
@require_POST
def co_builder_add(request, pk):
    application = application_to_change(request.user, pk)
    form = CoBuilderForm(request.POST)
    _run(
        request, application, form,
        lambda data: services.add_co_builder(application, data["partner"]),
        _("Co-building unit added."),
    )
    return back_to_dashboard(application)


@private_page
@login_required
@require_POST
def co_builder_remove(request, pk, co_builder_pk):
    application = application_to_change(request.user, pk)
    co_builder = get_object_or_404(application.co_builders, pk=co_builder_pk)
    try:
        services.remove_co_builder(co_builder)
        tell(request, application, messages.SUCCESS, _("Co-building unit removed."))
    except ValidationError as exc:
        tell(request, application, messages.ERROR, " ".join(exc.messages))
    return back_to_dashboard(application)

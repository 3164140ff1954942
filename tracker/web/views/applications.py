"""The firm's own pages: the dashboard, one application, and the actions on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.models import Attachment
from tracker.selectors.applications import (
    application_for,
    application_to_change,
    card,
    dashboard_cards,
)
from tracker.selectors.organizations import member_organizations
from tracker.services import applications as services
from tracker.services import materials
from tracker.web.forms import ChecklistForm, CoBuilderForm, ItemWorkForm, StatusForm
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


@private_page
@login_required
@require_POST
def item_work(request, pk, item_pk):
    application = application_to_change(request.user, pk)
    item = get_object_or_404(application.program.checklist_items, pk=item_pk)
    form = ItemWorkForm(request.POST, request.FILES, application=application)
    _run(
        request, application, form,
        lambda data: materials.update_item(
            application, item, owner=data["owner"], due_on=data["due_on"], note=data["note"],
            file=data["file"], by=request.user,
        ),
        _("“%(item)s” saved.") % {"item": item},
    )
    return back_to_dashboard(application)


def _attachment_for(user, pk, attachment_pk):
    """One file of one of the user's applications; 404 for anybody else's."""
    application = application_to_change(user, pk)
    return application, get_object_or_404(Attachment.objects.filter(application=application),
                                          pk=attachment_pk)


@private_page
@login_required
def attachment_download(request, pk, attachment_pk):
    _application, attachment = _attachment_for(request.user, pk, attachment_pk)
    # Always a download with the stored type: a file shown inline under our origin could
    # run script in a firm's session (an HTML page renamed .pdf is refused on upload, and
    # nosniff keeps the browser from guessing otherwise).
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@private_page
@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    application, attachment = _attachment_for(request.user, pk, attachment_pk)
    try:
        materials.delete_attachment(attachment)
        tell(request, application, messages.SUCCESS,
             _("“%(name)s” deleted.") % {"name": attachment.original_name})
    except ValidationError as exc:
        tell(request, application, messages.ERROR, " ".join(exc.messages))
    return back_to_dashboard(application)

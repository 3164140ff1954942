"""The firm's own pages: the dashboard, one application, and the actions on it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tracker.models import Attachment, OrganizationKind, ZoneTime
from tracker.selectors.applications import (
    application_for,
    application_to_change,
    card,
    dashboard_rows,
    statement,
)
from tracker.selectors.organizations import (
    member_organizations,
    partner_suggestions,
    partnership_requests,
)
from tracker.services import applications as services
from tracker.services import materials
from tracker.services.organizations import invite_partner_owner
from tracker.web.forms import (
    ChecklistForm,
    CoBuilderForm,
    ConfirmationsForm,
    ItemWorkForm,
    NewPartnerForm,
    PartnerInviteForm,
    StatusForm,
)
from tracker.web.views.responses import back_to_application, place_messages, private_page, tell


@private_page
@login_required
def dashboard(request):
    rows = dashboard_rows(request.user)
    ctx = {
        "rows": rows,
        "messages": place_messages(request, rows),
        "organizations": member_organizations(request.user),
        "partnership_requests": partnership_requests(request.user),
    }
    return render(request, "tracker/dashboard.html", ctx)


@private_page
@login_required
def application_detail(request, pk):
    shown = card(application_for(request.user, pk))
    ctx = {
        "card": shown,
        "messages": place_messages(request, [shown]),
        "kinds": OrganizationKind.choices,
    }
    _place_partner_forms(request, [shown])
    return render(request, "tracker/application.html", ctx)


@private_page
@login_required
def application_statement(request, pk):
    """The eligibility statement of one tracked application, laid out for printing (or saving
    as PDF from the browser's print dialog)."""
    ctx = {
        "card": statement(application_for(request.user, pk)),
        "zone": ZoneTime(settings.TIME_ZONE),
    }
    return render(request, "tracker/statement.html", ctx)


def _run(request, application, form, action, success):
    """Run `action(cleaned_data)` if the form is valid; the form's or the service's validation
    errors become a message in the application's card (nothing is written then). True when
    the action succeeded."""
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        action(form.cleaned_data)
        tell(request, application, messages.SUCCESS, success)
        return True
    except ValidationError as exc:
        tell(request, application, messages.ERROR, " ".join(exc.messages))
        return False


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
    return back_to_application(application)


@private_page
@login_required
@require_POST
def application_confirmations(request, pk):
    application = application_to_change(request.user, pk)
    form = ConfirmationsForm(request.POST, application=application)
    _run(
        request, application, form,
        lambda data: services.set_confirmations(application, data["conditions"], request.user),
        _("Confirmations saved."),
    )
    return back_to_application(application)


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
    return back_to_application(application)


# A refused partner form comes back filled in: every action redirects to the application's
# page, so the typed text waits in the session under the application's id, and the next
# page showing that card takes it (once). The error is told
# to the card like every action's result, then moved beside the form (see below).
PARTNER_FORMS = "partner_forms"


def _keep_partner_form(request, application, panel, form):
    kept = request.session.get(PARTNER_FORMS, {})
    fields = ["partner"] if panel == "existing" else list(form.fields)
    kept[str(application.pk)] = {
        "panel": panel,
        "data": {name: form.data.get(name, "")[:200] for name in fields},
    }
    request.session[PARTNER_FORMS] = kept


def _place_partner_forms(request, cards):
    """Give each card its refused partner form, if any, with the organizations the lead may
    have meant: close to the typed name, or holding the typed credit code.

    Its errors move from the top of the card to the form: the verdict's findings come in
    between, a screen or more on a phone. A locked card shows no form, so they stay there.
    Call after `place_messages`."""
    kept = request.session.pop(PARTNER_FORMS, None)
    if not kept:
        return
    for shown in cards:
        form = kept.get(str(shown["application"].pk))
        if form is None or shown["application"].is_locked:
            continue
        data = form["data"]
        form["suggestions"] = partner_suggestions(
            data.get("partner") or data.get("credit_code") or data.get("name_zh")
        )
        told = shown.get("messages", [])
        form["errors"] = [m for m in told if m.level == messages.ERROR]
        shown["messages"] = [m for m in told if m.level != messages.ERROR]
        shown["partner_form"] = form


def _add_partner(request, application, panel, form, action):
    if not _run(request, application, form, action, _("Co-building unit added.")):
        _keep_partner_form(request, application, panel, form)
    return back_to_application(application)


@private_page
@login_required
@require_POST
def co_builder_add(request, pk):
    application = application_to_change(request.user, pk)
    return _add_partner(
        request, application, "existing", CoBuilderForm(request.POST),
        lambda data: services.add_co_builder(application, data["organization"], by=request.user),
    )


@private_page
@login_required
@require_POST
def co_builder_new(request, pk):
    application = application_to_change(request.user, pk)
    return _add_partner(
        request, application, "new", NewPartnerForm(request.POST),
        lambda data: services.add_new_partner(application, **data, by=request.user),
    )


@private_page
@login_required
@require_GET
def partner_search(request):
    """Suggestions under the partner field: what anybody may see of an organization on the
    site (its name, region and kind), nothing of its applications or people."""
    results = []
    for organization in partner_suggestions(request.GET.get("q", "")[:200]):
        kind, region = organization.get_kind_display(), str(organization.region or "")
        results.append({
            "id": organization.pk,
            "name": organization.name,
            "region": region,
            "kind": kind,
            # Punctuated here, in the reader's language (full-width in Chinese).
            "detail": _(" (%(details)s)") % {"details": _(", ").join(filter(None, [kind, region]))},
        })
    return JsonResponse({"results": results})


def _partnership_request(request, pk):
    """A unit waiting for the user's confirmation as an owner of the partner; 404 otherwise
    (the lead's own members included: a partner speaks for itself)."""
    return get_object_or_404(partnership_requests(request.user), pk=pk)


# What each answer to a partnership request does, and what the partner's owner is told.
PARTNERSHIP_ANSWERS = {
    "confirm": (
        services.confirm_partnership,
        gettext_lazy("You confirmed %(partner)s as a co-building unit of %(lead)s."),
    ),
    "decline": (
        services.decline_partnership,
        gettext_lazy("You declined: %(partner)s is no longer a co-building unit of %(lead)s."),
    ),
}


@private_page
@login_required
@require_POST
def partnership_answer(request, pk, answer):
    co_builder = _partnership_request(request, pk)
    act, told = PARTNERSHIP_ANSWERS[answer]
    act(co_builder, by=request.user)
    messages.success(
        request,
        told % {"partner": co_builder.organization, "lead": co_builder.application.organization},
    )
    return redirect(f"{reverse('tracker:dashboard')}#partnership-requests")


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
    return back_to_application(application)


@private_page
@login_required
@require_POST
def co_builder_invite(request, pk, co_builder_pk):
    """Invite someone at a partner nobody has joined yet to own it, and so to confirm."""
    application = application_to_change(request.user, pk)
    co_builder = get_object_or_404(
        application.co_builders.select_related("organization"), pk=co_builder_pk
    )
    form = PartnerInviteForm(request.POST)
    _run(
        request, application, form,
        lambda data: invite_partner_owner(co_builder, data["email"], request.user),
        _("An invitation was sent to %(email)s.") % {"email": form.data.get("email", "")},
    )
    return back_to_application(application)


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
    return back_to_application(application)


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
    return back_to_application(application)

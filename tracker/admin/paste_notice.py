"""Paste a notice (or upload it as .docx or .pdf): its text becomes a draft program to review,
then an unpublished program."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect

from tracker.admin.forms import OTHER_FIELDS_ROOM, DraftProgramForm, NoticeForm
from tracker.notices import NoticeError, draft_from_notice
from tracker.notices.editions import edition_changes
from tracker.notices.files import MAX_BYTES
from tracker.selectors.programs import last_edition_of


def paste_notice(model_admin, request):
    """Paste a notice, review the draft with each field's source, then create it.

    ProgramAdmin.paste_notice_view is exempt from CsrfViewMiddleware: the middleware reads the
    form data to find the token, and over DATA_UPLOAD_MAX_MEMORY_SIZE that read fails with a
    bare "Bad Request (400)". Here the size is tried first: a request over it gets this page
    back with the limit named, acting on nothing, so it needs no token; every other request
    goes through the CSRF check as before.
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    # An upload does not count towards DATA_UPLOAD_MAX_MEMORY_SIZE: a body larger than the
    # biggest notice file allowed is refused before Django spools it to disk.
    if _content_length(request) > MAX_BYTES + OTHER_FIELDS_ROOM:
        return _page(model_admin, request, NoticeForm.file_too_big(), status=413)
    try:
        request.POST  # noqa: B018 (reading it is the size check)
    except RequestDataTooBig:
        return _page(model_admin, request, NoticeForm.too_big(), status=413)
    return _paste_notice(request, model_admin)


def _content_length(request):
    length = request.META.get("CONTENT_LENGTH") or "0"
    return int(length) if length.isdigit() else 0


@csrf_protect
def _paste_notice(request, model_admin):
    posted = request.method == "POST"
    form = NoticeForm(request.POST if posted else None, request.FILES if posted else None)
    draft = create_form = edition = None
    if form.is_valid():
        text = form.cleaned_data["text"]
        if form.cleaned_data.get("notice_file"):
            # The file's text goes into the box: the administrator checks it there, and the
            # create step posts it back (a browser never re-sends a chosen file).
            form = NoticeForm({"text": text})
            form.is_valid()
        try:
            draft = draft_from_notice(text)
        except NoticeError as exc:
            form.add_error("text", exc.args[0])
    if draft is not None:
        if draft.title and draft.year:
            edition = last_edition_of(draft.title.value, draft.year.value)
        creating = "_create" in request.POST
        create_form = DraftProgramForm(draft, request.POST if creating else None,
                                       edition=edition)
        if creating and create_form.is_valid():
            program = create_form.save_program()
            if program is not None:
                model_admin.message_user(
                    request,
                    _("Created the unpublished program “%(title)s”: check it, then publish.")
                    % {"title": program.title_zh},
                    messages.SUCCESS,
                )
                return redirect("admin:tracker_program_change", program.pk)
    changes = edition_changes(edition, draft) if edition else None
    return _page(model_admin, request, form, draft, create_form, edition, changes)


def _page(model_admin, request, form, draft=None, create_form=None, edition=None, changes=None,
          status=200):
    ctx = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Paste a notice"),
        "form": form,
        "draft": draft,
        "create_form": create_form,
        "edition": edition,
        "changes": changes,
    }
    return TemplateResponse(request, "admin/tracker/program/paste_notice.html", ctx, status=status)

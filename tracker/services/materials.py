"""Writes on the work behind checklist items: who prepares an item by when, and its files."""

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tracker.models import Attachment, ItemWork, Membership
from tracker.services.applications import _lock_unsubmitted


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    # The leading bytes every file of the type starts with: the extension and the browser's
    # content type are only what the uploader claims.
    signatures: tuple


PDF = (b"%PDF-",)
OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the container of .doc, .xls and .ppt
ZIP = (b"PK\x03\x04",)  # .docx, .xlsx, .pptx and .ofd are ZIP containers too
OOXML = "application/vnd.openxmlformats-officedocument."
FILE_TYPES = {
    ".pdf": FileType("PDF", "application/pdf", PDF),
    ".doc": FileType("Word", "application/msword", OLE2),
    ".docx": FileType("Word", OOXML + "wordprocessingml.document", ZIP),
    ".xls": FileType("Excel", "application/vnd.ms-excel", OLE2),
    ".xlsx": FileType("Excel", OOXML + "spreadsheetml.sheet", ZIP),
    ".ppt": FileType("PowerPoint", "application/vnd.ms-powerpoint", OLE2),
    ".pptx": FileType("PowerPoint", OOXML + "presentationml.presentation", ZIP),
    ".jpg": FileType("JPEG", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileType("JPEG", "image/jpeg", (b"\xff\xd8\xff",)),
    ".png": FileType("PNG", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".zip": FileType("ZIP", "application/zip", ZIP),
    ".ofd": FileType("OFD", "application/ofd", ZIP),
}
ALLOWED_TYPES = "PDF, Word, Excel, PowerPoint, JPEG, PNG, ZIP, OFD"


def _error(field, message, code, **params):
    return ValidationError({field: ValidationError(message, code=code, params=params)})


def megabytes(size):
    return f"{size / 2**20:g}"


def check_file(file):
    """The FileType of an uploaded `file`, or a ValidationError naming the limit it breaks."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if file.size > limit:
        raise _error(
            "file", _("File too large: at most %(limit)s MB."), "file_too_large",
            limit=megabytes(limit),
        )
    if not file.size:
        raise _error("file", _("The file is empty."), "file_empty")
    extension = os.path.splitext(file.name)[1].lower()
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        raise _error(
            "file",
            _("Files of type %(extension)s are not accepted; allowed: %(allowed)s."),
            "file_type",
            extension=extension or _("(none)"),
            allowed=ALLOWED_TYPES,
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not head.startswith(file_type.signatures):
        raise _error(
            "file",
            _("“%(name)s” is not a %(type)s file: its content does not match its extension."),
            "file_content",
            name=file.name,
            type=file_type.label,
        )
    return file_type


def _check_item(application, item, field):
    if item.program_id != application.program_id:
        raise _error(field, _("This item belongs to another program's checklist."), "item")


@transaction.atomic
def assign_item(application, item, *, owner, due_on, note, by):
    """Who on the lead organization's team prepares `item`, by when (default: the program's
    `item_due_days` before its deadline), with a note. `owner` None leaves it unassigned."""
    _check_item(application, item, "owner")
    _lock_unsubmitted(application.pk, "owner")
    if owner is not None and not Membership.objects.filter(
        user=owner, organization_id=application.organization_id
    ).exists():
        raise _error(
            "owner",
            _("The responsible person must be a member of the lead organization."),
            "owner_not_member",
        )
    note = note or ""
    limit = ItemWork._meta.get_field("note").max_length
    if len(note) > limit:
        raise _error(
            "note", _("Note: at most %(limit)d characters."), "note_too_long", limit=limit
        )
    work = ItemWork.objects.filter(application_id=application.pk, item=item).first()
    work = work or ItemWork(application_id=application.pk, item=item)
    work.owner = owner
    work.due_on = due_on or application.program.item_due_on()
    work.note = note
    work._history_user = by
    work.save()
    return work


@transaction.atomic
def upload(application, item, file, *, by):
    """Store `file` for `item` after checking its size and type (`check_file`)."""
    file_type = check_file(file)
    _check_item(application, item, "file")
    _lock_unsubmitted(application.pk, "file")
    # Only the base name: some browsers send the client's full path.
    name = os.path.basename(file.name.replace("\\", "/"))[-255:]
    attachment = Attachment(
        application_id=application.pk,
        item=item,
        original_name=name,
        content_type=file_type.content_type,
        size=file.size,
        uploaded_by=by,
    )
    attachment.file.save(name, file, save=False)
    try:
        attachment.save()
    except Exception:
        # The stored file would otherwise be an orphan nobody can reach.
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def update_item(application, item, *, owner, due_on, note, file=None, by):
    """The card's item form: the assignment and an optional file, both or neither."""
    work = assign_item(application, item, owner=owner, due_on=due_on, note=note, by=by)
    if file is not None:
        upload(application, item, file, by=by)
    return work


@transaction.atomic
def delete_attachment(attachment):
    _lock_unsubmitted(attachment.application_id, "file")
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    # The file goes once the row is gone for good: a rollback must not leave a row whose
    # file was deleted.
    transaction.on_commit(lambda: storage.delete(name))

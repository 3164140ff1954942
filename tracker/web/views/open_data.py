"""The daily bulk extract of the open data, from the default storage (private there: it is
served only through this view, at a stable address whatever the storage)."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import condition, require_safe

from tracker.interchange.open_data import EXTRACT_NAMES

CONTENT_TYPES = {"jsonl": "application/jsonl; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def _modified(request, fmt):
    try:
        return default_storage.get_modified_time(EXTRACT_NAMES[fmt])
    except FileNotFoundError:
        return None


@require_safe
@condition(last_modified_func=_modified)
def extract(request, fmt):
    """/data/programs.jsonl or .csv, with Last-Modified (a conditional GET gets a 304)."""
    name = EXTRACT_NAMES[fmt]
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("The extract has not been written yet.") from None
    return FileResponse(
        handle, content_type=CONTENT_TYPES[fmt], as_attachment=True,
        filename=f"programs.{fmt}",
    )

"""The program list as a spreadsheet: the rows a reader filtered, in their language.

Written through the same formats as the admin's export (`formats.CSV`, `formats.XLSX`), so a
title such as =HYPERLINK(…) reaches the reader's spreadsheet as text, never as a formula.
"""

import tablib
from django.utils.translation import gettext as _

from tracker.interchange import formats

FORMATS = {"csv": formats.CSV, "xlsx": formats.XLSX}


def program_rows(programs, link, sectors):
    """A Dataset of `programs`; `link(program)` is the address of its page, `sectors` the
    names of each one's priority sectors by program id (`selectors.programs.sector_names`)."""
    headers = [
        _("Title"), _("Issuing authority"), _("Authority level"), _("Opens on"), _("Deadline"),
        _("Status"), _("Kind of benefit"), _("Priority sectors"), _("Address"),
    ]
    dataset = tablib.Dataset(headers=headers)
    for program in programs:
        dataset.append([
            program.title,
            str(program.authority),
            program.authority.get_level_display(),
            program.opens_on.isoformat() if program.opens_on else "",
            program.deadline.isoformat() if program.deadline else "",
            program.Status(program.status_on()).label,
            program.get_benefit_kind_display(),
            _(", ").join(sectors.get(program.pk, [])),
            link(program),
        ])
    return dataset


def export(dataset, fmt):
    """(bytes, content type) of `dataset` in `fmt` ("csv" or "xlsx")."""
    file_format = FORMATS[fmt]()
    data = file_format.export_data(dataset)
    if isinstance(data, str):
        # With a byte order mark: Excel on Chinese Windows reads the file as UTF-8 then.
        data = "\ufeff" + data
        data = data.encode("utf-8")
    return data, file_format.get_content_type()

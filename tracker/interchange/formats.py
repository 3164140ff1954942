"""The file formats the admin imports and exports: django-import-export's CSV and XLSX, adapted to
files made by Excel on Chinese Windows and to texts that a spreadsheet would run as formulae.

Each keeps its library name and title ("csv", "xlsx"), which the admin's format choice shows.
"""

from import_export.formats import base_formats

# Tried in order. UTF-8 comes first: GB18030 would also accept some UTF-8 byte sequences, as the
# wrong characters. "utf-8-sig" drops the byte order mark Excel writes for "CSV UTF-8".
# GB18030 is a superset of GBK, what Excel writes for plain "CSV" on Chinese Windows.
ENCODINGS = ("utf-8-sig", "gb18030")


class UndecodableFile(ValueError):
    """The file is text in none of ENCODINGS."""


def decode(data):
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UndecodableFile(f"Not text in any of {', '.join(ENCODINGS)}.")


class FormulaEscaping:
    """Used by the library when IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is on (config/settings.py).

    The library's own escaping turns every cell into str() first, so an empty XLSX cell becomes
    the text "None", which no longer imports as an empty date or number; only text is escaped
    here. It also drops just one "=", which leaves "==1" a formula.
    """

    # Openpyxl writes any text not starting with "=" as a text cell: in a workbook nothing else
    # starts a formula.
    other_formula_starts = ()

    def _escape_formulae(self, dataset):
        for _row in range(len(dataset)):
            dataset.append([self.escape_formula(cell) for cell in dataset.lpop()])

    def escape_formula(self, cell):
        if not isinstance(cell, str):
            return cell
        # As the library and tablib do: without its "=", a formula is just its text.
        text = cell.lstrip("=")
        # Dropping a "+" or "-" as well would change "+86 772 …" or "-3"; a leading apostrophe
        # makes the spreadsheet show the cell as text instead.
        return "'" + text if text.startswith(self.other_formula_starts) else text


class CSV(FormulaEscaping, base_formats.CSV):
    """CSV in UTF-8 (with or without BOM) or GBK/GB18030, whichever the file turns out to be."""

    # Excel also runs a CSV cell starting with these (tab and carriage return as OWASP lists
    # them). Every CSV cell is text, so a negative number would be escaped too; no exported
    # column has one.
    other_formula_starts = ("+", "-", "@", "\t", "\r")

    # The admin decodes a text format's upload with one fixed encoding before create_dataset
    # sees it; declared binary, the file arrives as bytes and decode() picks the encoding.
    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode(in_stream)
        return super().create_dataset(in_stream, **kwargs)


class XLSX(FormulaEscaping, base_formats.XLSX):
    """XLSX whose exported texts never become formula cells.

    Every exported cell is text, dates and numbers too (the import reads them back): the admin
    keeps dates and numbers native only for the library's own XLSX class, and its escaping would
    turn them into text anyway.
    """

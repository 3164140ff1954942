"""The text of a notice received as a Word (.docx) or PDF attachment.

python-docx reads .docx: paragraphs and tables in document order, a table row becoming one line
with its cells apart by tabs (the reader takes such a line as a table row). pdfminer.six reads
PDF: it decodes the CJK fonts government PDFs embed through their CMaps and orders text by
layout, where pypdf's plain extraction often leaves Chinese text out of order or empty.

Every failure is a NoticeError whose message names the file and what to do instead: a scanned
PDF (no text layer: this reader does no OCR), a password-protected file, a Word 97-2003 .doc,
a damaged file, or one over MAX_BYTES.
"""

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import docx
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from docx.table import Table
from pdfminer.high_level import extract_text
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFException
from pdfminer.psparser import PSException

from tracker.notices.draft import NoticeError

# Notices are text and a few tables: a 10 MB attachment is already a scan or carries images.
MAX_BYTES = 10 * 1024 * 1024
# Word 97-2003 files and password-protected Office files are OLE compound files, not zips; an
# encrypted .docx names its "EncryptedPackage" stream (in UTF-16) in the compound directory.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# pdfminer writes a glyph it cannot map to a character as "(cid:123)".
UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")


def max_size():
    return filesizeformat(MAX_BYTES)


def text_from_file(upload):
    """The text of an uploaded notice file (a Django UploadedFile)."""
    name = Path(upload.name).name
    suffix = Path(name).suffix.lower()
    readers = {".docx": _docx_text, ".pdf": _pdf_text}
    if suffix not in readers:
        raise NoticeError(
            _("“%(name)s” is not a .docx or .pdf file: save the notice as one of those, or "
              "paste its text.") % {"name": name}
        )
    if upload.size > MAX_BYTES:
        raise NoticeError(
            _("“%(name)s” is %(size)s; a notice file may be at most %(limit)s. Paste the "
              "notice's text instead.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": max_size()}
        )
    text = readers[suffix](upload.read(), name)
    if not text.strip():
        raise NoticeError(
            _("“%(name)s” holds no text to read. Paste the notice's text instead.")
            % {"name": name}
        )
    return text


# What a damaged or hostile file makes the parsers raise, seen by feeding them corrupted
# files: each is the file's fault, never a page error.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, KeyError,
              ValueError, SyntaxError)  # lxml's XMLSyntaxError is a SyntaxError
PDF_ERRORS = (struct.error, zlib.error, EOFError, IndexError, KeyError, ValueError, TypeError,
              AssertionError)


def _docx_text(data, name):
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise _encrypted(name)
        raise NoticeError(
            _("“%(name)s” is a Word 97-2003 document saved with a .docx name: open it in Word "
              "or WPS and save it as .docx, or paste its text.") % {"name": name}
        )
    try:
        return _docx_lines(docx.Document(io.BytesIO(data)))
    except ZIP_ERRORS as exc:
        raise _damaged(name) from exc


def _docx_lines(document):
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    # A merged cell is returned once per grid column it spans.
                    if not cells or cells[-1] != text:
                        cells.append(text)
                lines.append("\t".join(cells))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _pdf_text(data, name):
    try:
        text = extract_text(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _encrypted(name) from exc
    except (PDFException, PSException, *PDF_ERRORS) as exc:
        raise _damaged(name) from exc
    unmapped = len(UNMAPPED_GLYPH.findall(text))
    readable = UNMAPPED_GLYPH.sub("", text)
    if not readable.strip() or unmapped > len(readable.split()):
        raise NoticeError(
            _("“%(name)s” has no text layer, as a scanned notice has: this page does not "
              "recognise text in images. Paste the notice's text, or upload the .docx or a "
              "PDF saved from the original document.") % {"name": name}
        )
    return readable


def _encrypted(name):
    return NoticeError(
        _("“%(name)s” is password-protected: remove the password (save an unprotected copy) "
          "or paste the notice's text.") % {"name": name}
    )


def _damaged(name):
    return NoticeError(
        _("“%(name)s” cannot be read: the file is damaged or not really a .docx or .pdf.")
        % {"name": name}
    )

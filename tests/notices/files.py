"""Notice files made in the tests: a .docx by python-docx, PDFs by fpdf2 (with a CJK font)."""

import io
from pathlib import Path

import docx
import msoffcrypto.format.ooxml
from fpdf import FPDF
from PIL import Image

# Debian's fonts-wqy-zenhei, beside /usr/bin/chromium the browser tests use: fpdf2 embeds it so
# that the PDF's Chinese text maps back to characters, as a PDF saved from Word or WPS does.
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def docx_bytes(paragraphs, table=None):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_docx_bytes(paragraphs, password="secret"):
    """A .docx protected with a password the way Word does it (ECMA-376 agile encryption)."""
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(docx_bytes(paragraphs))).encrypt(password, out)
    return out.getvalue()


def _pdf():
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=str(CJK_FONT))
    pdf.set_font("cjk", size=11)
    return pdf


def pdf_bytes(text, user_password=None):
    pdf = _pdf()
    if user_password:
        pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


def scanned_pdf_bytes():
    """A page that is only an image, as a scanner makes it: no text layer at all."""
    pdf = FPDF()
    pdf.add_page()
    image = Image.new("RGB", (400, 300), "white")
    pdf.image(image, x=10, y=10, w=180)
    return bytes(pdf.output())

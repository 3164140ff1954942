"""Notices received as .docx or .pdf attachments, made in each test."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.notices.files import (
    docx_bytes,
    encrypted_docx_bytes,
    pdf_bytes,
    scanned_pdf_bytes,
)
from tracker.notices import NoticeError, draft_from_notice
from tracker.notices.files import MAX_BYTES, text_from_file

NOTICE = [
    "柳州市工业和信息化局关于组织申报2025年度柳州市工业设计中心认定的通知",
    "各有关企业：",
    "请企业于2025年5月16日17:30前将申报材料报送所在县区工信部门，各县区工信部门于5月23日前报送我局。",
    "柳州市工业和信息化局",
    "2025年4月22日",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def upload(name, data):
    return SimpleUploadedFile(name, data)


def test_a_docx_notice_is_read_paragraph_by_paragraph_with_table_rows_as_tab_separated_lines():
    table = [["工作环节", "完成时间"], ["企业网上申报", "2025年7月10日前"]]
    text = text_from_file(upload("通知.docx", docx_bytes(NOTICE[:2], table)))
    assert text.splitlines() == [NOTICE[0], NOTICE[1], "工作环节\t完成时间",
                                 "企业网上申报\t2025年7月10日前"]


def test_a_docx_notice_gives_the_same_draft_as_its_pasted_text(seeded):
    from_file = draft_from_notice(text_from_file(upload("n.docx", docx_bytes(NOTICE))))
    pasted = draft_from_notice("\n".join(NOTICE))
    assert from_file.deadline == pasted.deadline
    assert from_file.new_authority.value.name_zh == "柳州市工业和信息化局"
    assert from_file.deadline_time.value == "17:30"


def test_a_pdf_notice_is_read_with_its_chinese_text(seeded):
    text = text_from_file(upload("notice.PDF", pdf_bytes("\n".join(NOTICE))))
    draft = draft_from_notice(text)
    assert draft.title.value == "2025年度柳州市工业设计中心认定"
    assert str(draft.deadline.value) == "2025-05-16"
    assert [(str(s.value.due_on), s.value.audience) for s in draft.stages] == [
        ("2025-05-23", "bureau")
    ]


def test_a_scanned_pdf_without_a_text_layer_is_refused_saying_so():
    with pytest.raises(NoticeError, match="“scan.pdf” has no text layer, as a scanned notice has"):
        text_from_file(upload("scan.pdf", scanned_pdf_bytes()))


def test_a_password_protected_pdf_is_refused_saying_so():
    with pytest.raises(NoticeError, match="“locked.pdf” is password-protected"):
        text_from_file(upload("locked.pdf", pdf_bytes("通知", user_password="secret")))


def test_a_password_protected_docx_is_refused_saying_so():
    with pytest.raises(NoticeError, match="“locked.docx” is password-protected"):
        text_from_file(upload("locked.docx", encrypted_docx_bytes(NOTICE)))


def test_a_file_over_the_limit_is_refused_naming_its_size_and_the_limit():
    with pytest.raises(NoticeError, match=r"“big.pdf” is 10\.0\xa0MB; a notice file may be at "
                                          r"most 10\.0\xa0MB"):
        text_from_file(upload("big.pdf", b"%PDF" + b"0" * MAX_BYTES))


@pytest.mark.parametrize("name", ["notice.doc", "notice.txt", "notice"])
def test_a_file_of_another_kind_is_refused_naming_the_kinds_read(name):
    with pytest.raises(NoticeError, match=r"is not a \.docx or \.pdf file"):
        text_from_file(upload(name, b"anything"))


@pytest.mark.parametrize("name, data", [
    ("broken.docx", b"PK\x03\x04 not a zip really"),
    ("broken.pdf", b"%PDF-1.7 truncated"),
    ("renamed.docx", b"%PDF-1.7\n"),
])
def test_a_damaged_file_is_refused_not_a_500(name, data):
    with pytest.raises(NoticeError, match=f"“{name}” cannot be read|“{name}” has no text"):
        text_from_file(upload(name, data))


def test_a_docx_damaged_inside_its_zip_is_refused_not_a_500():
    """Bytes of the compressed document overwritten, as a broken download leaves them: zlib
    and zipfile raise their own errors, each taken as a damaged file."""
    data = bytearray(docx_bytes(NOTICE * 20))
    start = data.index(b"word/document.xml") + 40
    data[start:start + 200] = bytes(range(200))
    with pytest.raises(NoticeError, match="“broken.docx” cannot be read"):
        text_from_file(upload("broken.docx", bytes(data)))

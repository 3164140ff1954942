"""Reading a pasted policy notice into a draft program, offline: regular expressions + taxonomy.

Every extracted value keeps the sentence it came from, so the administrator can check it against
the notice; a field the text does not state stays empty and is listed as missing, never guessed
(precision before recall: tests/notices/corpus/ holds notices with their expected fields, scored
by tests/notices/test_corpus.py and bench/notices.py). A pasted newspaper page holds several
articles: the one announcing a call (申报, 认定, 通知 ...) with a deadline is read, the rest
ignored. conditions.py reads the conditions on applicants (thresholds on facts, qualifications,
conditions to confirm) that the draft proposes as the program's rows. files.py turns a .docx
or .pdf into such text; editions.py compares next year's notice with the last edition of its
program.
"""

from tracker.notices.draft import FIELD_LABELS, Draft, NoticeError
from tracker.notices.reader import draft_from_notice

__all__ = ["FIELD_LABELS", "Draft", "NoticeError", "draft_from_notice"]

"""Reading a pasted policy notice into a draft program, offline: regular expressions + taxonomy.

Every extracted value keeps the sentence it came from, so the administrator can check it against
the notice; a field the text does not state stays empty and is listed as missing, never guessed.
A pasted newspaper page holds several articles: the one announcing a call (申报, 认定, 通知 ...)
with a deadline is read, the rest ignored.
"""

from tracker.notices.draft import FIELD_LABELS, Draft, NoticeError
from tracker.notices.reader import draft_from_notice

__all__ = ["FIELD_LABELS", "Draft", "NoticeError", "draft_from_notice"]

"""Marking a keyword query's words in the texts the program list shows."""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

EXCERPT_LENGTH = 120
# Characters kept before the first match, so the excerpt starts with some context.
EXCERPT_LEAD = 30


def _pattern(words):
    if not words:
        return None
    # Longest first: where 中试基地 and 中试 are both asked, the longer one is marked whole.
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in alternatives), re.IGNORECASE)


def highlight(text, words):
    """`text` HTML-escaped, with each occurrence of `words` in <mark>: the text is escaped
    piece by piece, so nothing of it (nor of the query) is ever markup."""
    pattern = _pattern(words)
    if pattern is None:
        return escape(text)
    parts, position = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


def excerpt(text, words, length=EXCERPT_LENGTH):
    """About `length` characters of `text` around the first match, highlighted."""
    pattern = _pattern(words)
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - EXCERPT_LEAD) if match else 0
    piece = text[start : start + length]
    lead = "…" if start else ""
    tail = "…" if start + length < len(text) else ""
    return format_html("{}{}{}", lead, highlight(piece, words), tail)

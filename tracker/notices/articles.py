"""A pasted page split into articles, the call's article chosen, its text split into sentences.

A pasted newspaper page holds several articles: the one announcing a call (申报, 认定, 通知 ...)
with a deadline is read, the rest ignored.
"""

import re
from dataclasses import dataclass

from tracker.notices.patterns import (
    AS_OF,
    BEFORE_RE,
    BODY_PUNCTUATION,
    BYLINE,
    CALL,
    DATE_RE,
    DEADLINE_WORD,
    FULL_DATE_RE,
    HEADING_NUMBER,
    LINE_END,
    SENTENCE_END,
    TABLE_CELL,
    UNTIL_BEFORE,
    WEB_CHROME,
)


def split_lines(text):
    """Non-empty lines, with lines the page layout cut in the middle of a sentence rejoined.

    A web page's own lines (breadcrumbs, share buttons) are dropped; a table's rows (cells
    apart with tabs) stay one line each.
    """
    # `\d` and int() read full-width digits too, so sources keep the notice's own characters.
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or WEB_CHROME.match(line):
            continue
        if lines and is_cut(lines[-1]) and TABLE_CELL not in line:
            lines[-1] += line
        else:
            lines.append(line)
    return lines


def is_cut(line):
    return (
        TABLE_CELL not in line
        and line[-1] not in LINE_END
        and BODY_PUNCTUATION.search(line) is not None
        and not HEADING_NUMBER.match(line)
    )


def is_headline(line):
    return (
        len(line) <= 60
        and TABLE_CELL not in line
        and BODY_PUNCTUATION.search(line) is None
        and not line.endswith(("：", ":"))
        and not HEADING_NUMBER.match(line)
        and not BYLINE.search(line)
        and not FULL_DATE_RE.fullmatch(line)
    )


@dataclass
class Article:
    headlines: list
    lines: list

    @property
    def text(self):
        return "\n".join(self.headlines + self.lines)


def split_articles(lines):
    """Split a page into articles: each starts at a run of headlines followed by a sentence.

    Short lines followed by no sentence (a notice's signature and date) stay in the article.
    """
    articles, pending = [], []
    for line in lines:
        if is_headline(line):
            pending.append(line)
            continue
        if pending and (BODY_PUNCTUATION.search(line) or not articles):
            articles.append(Article(pending, []))
            pending = []
        if not articles:
            articles.append(Article([], []))
        articles[-1].lines.extend([*pending, line])
        pending = []
    if pending:
        if articles:
            articles[-1].lines.extend(pending)
        else:
            articles.append(Article(pending, []))
    return articles


def choose_article(articles):
    def score(article):
        text = article.text
        has_deadline = any(deadline_like(m, text) for m in DATE_RE.finditer(text))
        return (has_deadline, len(CALL.findall(text)))

    candidates = [a for a in articles if CALL.search(a.text)]
    return max(candidates, key=score) if candidates else None


def deadline_like(match, text):
    after = text[match.end():]
    before = text[max(0, match.start() - 12):match.start()]
    if AS_OF.search(before) and after[:1] in "，,":
        return False
    return any(
        found is not None
        for found in (BEFORE_RE.match(after), DEADLINE_WORD.search(before),
                      UNTIL_BEFORE.search(before))
    )


def split_sentences(line):
    parts = re.findall(rf"[^{SENTENCE_END}]+[{SENTENCE_END}]?", line)
    return [p.strip() for p in parts if p.strip()]


def split_clauses(sentence):
    return [c for c in re.split(r"[，,；;\t]", sentence) if c.strip()]

"""The keyword index of programs and the visits that date "new since your last visit".

Why character bigrams: Chinese has no spaces, and a dictionary segmenter (jieba) cuts
中试研究基地 into words of its own choosing, so a reader's 中试 may find nothing; SQLite FTS5's
trigram tokenizer needs three characters, and PostgreSQL's parsers do not split Chinese at all.
Every run of Chinese characters is indexed as its overlapping pairs (中试 试研 研究 究基 基地),
which any query of two or more characters is made of, the same way on SQLite and PostgreSQL,
in a plain table whose (term, program) index keeps each lookup to the rows of the few terms
asked. Latin words are indexed whole and by their beginnings, in lower case, after NFKC
folding (full-width letters and digits become half-width).
"""

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORDS = re.compile(f"[{CJK}]+|[a-z0-9]+")
MAX_TERM = 40
MIN_PREFIX = 3


def is_cjk(word):
    return bool(re.match(f"[{CJK}]", word))


def words_of(text):
    """The Chinese runs and Latin words of `text`, folded."""
    return WORDS.findall(unicodedata.normalize("NFKC", text or "").lower())


def terms_of_word(word):
    """What one query word is looked up as: a Chinese run as its character pairs (a lone
    character as itself), a Latin word as itself."""
    if is_cjk(word) and len(word) > 1:
        return [word[i : i + 2] for i in range(len(word) - 1)]
    return [word[:MAX_TERM]]


def terms_of(text):
    """What a text is indexed as: the terms of its words, and for a Latin word also its
    beginnings from three letters on (certif finds certification), so that every lookup is
    an exact match on the index (a LIKE prefix scan uses no index on SQLite)."""
    terms = []
    for word in words_of(text):
        terms.extend(terms_of_word(word))
        if not is_cjk(word):
            terms.extend(word[:n] for n in range(MIN_PREFIX, min(len(word), MAX_TERM)))
    return terms


def facet(name, value):
    """A facet term (`kind=enterprise`): "=" never occurs in a word, so no query meets one."""
    return f"{name}={value}"


class ProgramTerm(models.Model):
    """One term of a program's keyword index, with the weight of the fields it occurs in.

    Rows are derived from the program, its sectors and its authority by
    `tracker.services.search.reindex`, never entered; the terms are made by
    `tracker.search.terms` (Chinese character bigrams, other words whole). Besides words, a
    row may hold a *facet* such as `kind=enterprise` (weight 0): the organization kinds a
    program admits live in a JSON list, which SQLite cannot filter or count on, so the index
    carries them too and the list page filters and counts them like any term.
    """

    program = models.ForeignKey(
        "tracker.Program", on_delete=models.CASCADE, related_name="search_terms"
    )
    term = models.CharField(max_length=40)
    weight = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            models.UniqueConstraint(fields=["term", "program"], name="tracker_programterm_once")
        ]
        indexes = [
            # The index every search reads: term first, so a lookup of a few terms touches
            # only their rows whatever the catalog's size, and with the weight, so that
            # matching and ranking 2,500 programs never visit the table (20 ms → 3 ms on
            # SQLite for 中试基地 over 10,000 programs).
            models.Index(fields=["term", "program", "weight"], name="tracker_programterm_search")
        ]

    def __str__(self):
        return self.term


class ListVisit(models.Model):
    """When a signed-in reader last looked at the program list, to mark what is new since.

    `previous_at` is the visit before the current one: marks stay while the reader pages
    through the list, and move on when they come back after `ListVisit.SESSION` (see
    `tracker.services.search.record_list_visit`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_visit"
    )
    previous_at = models.DateTimeField(_("visit before"), null=True, blank=True)
    last_at = models.DateTimeField(_("last visit"))

    class Meta:
        verbose_name = _("program list visit")
        verbose_name_plural = _("program list visits")

    def __str__(self):
        return f"{self.user} {self.last_at:%Y-%m-%d %H:%M}"

"""Reading the chosen article field by field into a Draft, each value with its source sentence."""

import datetime
import re

from django.utils.translation import gettext_lazy as _

from tracker.models import ChecklistItem, Milestone, Program, local_date
from tracker.notices.articles import (
    choose_article,
    deadline_like,
    is_headline,
    split_articles,
    split_clauses,
    split_lines,
    split_sentences,
)
from tracker.notices.draft import Draft, Entry, Found, NoticeError, SectorMatch, Stage, Taxonomy
from tracker.notices.patterns import (
    APPLICANT_SUBJECT,
    ATTESTATION,
    BENEFIT_RE,
    BUREAU_SUBJECT,
    CALL,
    CN_NUMBERS,
    DATE_RE,
    DATELINE,
    FROM_TODAY,
    FULL_DATE_RE,
    HEADING_NUMBER,
    INLINE_MATERIALS,
    JOINT_ONLY,
    LIMIT_RE,
    LIST_SPLIT,
    MATERIALS_HEADING,
    OPENING_WORD,
    PARTNERSHIP_RE,
    RANGE_RE,
    REQUIRED_SECTORS,
    SECTOR_LIST_END,
    SECTOR_TRIGGER,
    SENTENCE_END,
    SHORT_NAME,
    TITLE_DROP,
)


def draft_from_notice(text, today=None, taxonomy=None):
    """Read the call announced in `text` (a notice, or a whole newspaper page) into a Draft.

    `today` only settles the year of dates when the notice names no year at all.
    """
    lines = split_lines(text or "")
    if not lines:
        raise NoticeError(_("The text is empty: paste the whole notice."))
    article = choose_article(split_articles(lines))
    if article is None:
        raise NoticeError(
            _(
                "No article in this text announces a call for applications (申报, 认定 or 通知): "
                "paste the notice itself."
            )
        )
    taxonomy = taxonomy or Taxonomy.from_db()
    # The program time zone's date, like every "today" of a program.
    today = today or local_date(Program._meta.get_field("timezone").default)
    return Reader(article, today, taxonomy).draft()


class Reader:
    def __init__(self, article, today, taxonomy):
        self.article, self.today, self.taxonomy = article, today, taxonomy
        body = list(article.lines)
        if body:
            body[0] = DATELINE.sub("", body[0])
        self.body_lines = body
        self.sentences = [s for line in body for s in split_sentences(line)]
        self.headline = next((h for h in article.headlines if CALL.search(h)), None) or (
            article.headlines[0] if article.headlines else None
        )
        self.draft_ = Draft(article=article.text)

    def draft(self):
        d = self.draft_
        d.title = self._title()
        d.short_name = self._first(SHORT_NAME, lambda m, s: m.group(1))
        d.authority = self._authority()
        d.year = self._year(d.title)
        self.reference_year, self.year_note = self._reference_year(d.year)
        d.opens_on = self._opening()
        d.deadline, d.stages = self._deadlines()
        d.sectors, d.sector_policy = self._sectors()
        d.max_co_builders = self._first(LIMIT_RE, lambda m, s: _number(m.group(1)))
        d.preferred_partnership = self._first(
            PARTNERSHIP_RE, lambda m, s: Program.Partnership.ACADEMIA_ENTERPRISE.value
        )
        d.benefits = self._first(BENEFIT_RE, lambda m, s: s)
        d.checklist = self._checklist()
        return d

    def _first(self, pattern, value):
        for sentence in self.sentences:
            match = pattern.search(sentence)
            if match:
                return Found(value(match, sentence), sentence)
        return None

    def _title(self):
        if self.headline is None:
            return None
        title = self.headline
        for pattern in TITLE_DROP:
            title = pattern.sub("", title)
        return Found(title.strip(), self.headline)

    def _authority(self):
        needles = sorted(
            (
                (name, authority)
                for authority in self.taxonomy.authorities
                for name in (authority.name_zh, authority.short_name_zh)
                if name
            ),
            key=lambda pair: -len(pair[0]),
        )
        # A formal notice is signed at the end; a news report names the issuer in its body.
        signature = [line for line in self.body_lines[-3:] if is_headline(line)]
        for line in signature + self.sentences:
            hits = [(line.find(name), authority) for name, authority in needles if name in line]
            if hits:
                return Found(min(hits, key=lambda hit: hit[0])[1], line)
        return None

    def _year(self, title):
        if title:
            match = re.search(r"(\d{4})\s*年", title.source)
            if match:
                return Found(int(match.group(1)), title.source)
        for sentence in self.sentences:
            match = FULL_DATE_RE.search(sentence)
            if match:
                return Found(int(match.group(1)), sentence)
        return None

    def _reference_year(self, year):
        """The year of dates written without one: the notice's own dated sentences first."""
        for line in self.body_lines:
            match = FULL_DATE_RE.search(line)
            if match:
                return int(match.group(1)), ""
        if year:
            return year.value, ""
        return self.today.year, _("The notice names no year; today's year was assumed.")

    def _date(self, match, prefix=""):
        year = match.group(f"{prefix}year") or self.reference_year
        return _calendar_date(year, match.group(f"{prefix}month"), match.group(f"{prefix}day"))

    def _notice_date(self):
        """The date a formal notice is signed with, on its own line at the end."""
        for line in reversed(self.body_lines[-3:]):
            match = FULL_DATE_RE.fullmatch(line)
            if match and (day := _calendar_date(*match.groups())):
                return day, line
        return None

    def _opening(self):
        for sentence in self.sentences:
            range_match = RANGE_RE.search(sentence)
            if range_match and (day := self._date(range_match)):
                return Found(day, sentence, self.year_note)
            if FROM_TODAY.search(sentence) and (signed := self._notice_date()):
                return Found(signed[0], sentence, _("“From today” is the notice's date: %(line)s")
                             % {"line": signed[1]})
            if not OPENING_WORD.search(sentence):
                continue
            for match in DATE_RE.finditer(sentence):
                if not deadline_like(match, sentence) and (day := self._date(match)):
                    return Found(day, sentence, self.year_note)
        return None

    def _deadlines(self):
        """The applicant deadline and every other dated stage, each with its audience."""
        stages = []
        for sentence in self.sentences:
            for clause in split_clauses(sentence):
                stage = self._stage(clause)
                if stage:
                    stages.append(Found(stage, sentence, self.year_note))
        applicant = [s for s in stages if s.value.audience == Milestone.Audience.APPLICANT]
        if not applicant:
            return None, stages
        last = max(applicant, key=lambda s: s.value.due_on)
        note = last.note
        if last.value.time:
            note = _("Due at %(time)s local time.") % {"time": last.value.time}
        deadline = Found(last.value.due_on, last.source, note)
        return deadline, [s for s in stages if s is not last]

    def _stage(self, clause):
        range_match = RANGE_RE.search(clause)
        if range_match:
            if range_match.group("end_day"):
                start = self._date(range_match)
                due = start and _calendar_date(start.year, start.month,
                                               range_match.group("end_day"))
            else:
                due = self._date(range_match, "e_")
            time = _time(range_match, "e_")
            subject = clause[:range_match.start()]
        else:
            match = next((m for m in DATE_RE.finditer(clause) if deadline_like(m, clause)), None)
            if match is None:
                return None
            due, time, subject = self._date(match), _time(match), clause[:match.start()]
        if due is None:
            return None
        bureau = BUREAU_SUBJECT.search(subject) and not APPLICANT_SUBJECT.search(subject)
        audience = Milestone.Audience.BUREAU if bureau else Milestone.Audience.APPLICANT
        return Stage(due, audience, clause.strip().rstrip(SENTENCE_END), time)

    def _sectors(self):
        best = None
        for sentence in self.sentences:
            trigger = SECTOR_TRIGGER.search(sentence)
            if not trigger:
                continue
            listed = SECTOR_LIST_END.split(sentence[trigger.end():])[0]
            names = [n.strip("“”\" ") for n in LIST_SPLIT.split(listed)]
            names = [n for n in names if len(n) >= 2]
            if len(names) >= 2 and (best is None or len(names) > len(best[0])):
                best = (names, sentence)
        if best is None:
            return None, None
        names, sentence = best
        policy = (
            Program.SectorPolicy.REQUIRED
            if REQUIRED_SECTORS.search(sentence)
            else Program.SectorPolicy.PRIORITY
        )
        matches = [SectorMatch(n, self._sector(n)) for n in names]
        return Found(matches, sentence), Found(policy, sentence)

    def _sector(self, name):
        # Exact names only: "新能源汽车" is not "新能源", so it is proposed as a new sector.
        return next((s for s in self.taxonomy.sectors if s.name_zh == name), None)

    def _checklist(self):
        """Items of a "申报材料" section, else a listed "须提交…、…", plus attestation sentences."""
        entries, in_section, outside = [], False, []
        for line in self.body_lines:
            numbered = HEADING_NUMBER.match(line)
            if numbered and re.match(r"^[一二三四五六七八九十]+、", line):
                in_section = MATERIALS_HEADING.search(line) is not None and len(line) <= 20
            elif in_section and numbered:
                title = line[numbered.end():].strip().rstrip(SENTENCE_END)
                entries.append(Found(_entry(title), line))
            else:
                outside.append(line)
        from_section = bool(entries)
        for sentence in (s for line in outside for s in split_sentences(line)):
            listed = INLINE_MATERIALS.search(sentence)
            if listed and not from_section:
                entries.extend(
                    Found(_entry(title.strip()), sentence)
                    for title in LIST_SPLIT.split(listed.group(1))
                    if title.strip()
                )
            elif ATTESTATION.search(sentence):
                title = HEADING_NUMBER.sub("", sentence).rstrip(SENTENCE_END)
                entries.append(Found(_entry(title), sentence))
        return entries


def _entry(title):
    attestation = ATTESTATION.search(title) is not None
    kind = ChecklistItem.Kind.ATTESTATION if attestation else ChecklistItem.Kind.MATERIAL
    return Entry(title, kind, JOINT_ONLY.search(title) is not None)


def _calendar_date(year, month, day):
    """The date, or None for one the calendar lacks (a typo such as 4月31日 is not guessed at)."""
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _time(match, prefix=""):
    hour = match.group(f"{prefix}hour")
    if hour is None:
        return ""
    hour = int(hour) + (12 if match.group(f"{prefix}pm") and int(hour) < 12 else 0)
    return f"{hour:02d}:{int(match.group(f'{prefix}minute') or 0):02d}"


def _number(text):
    if text.isdigit():
        return int(text)
    return CN_NUMBERS[text]

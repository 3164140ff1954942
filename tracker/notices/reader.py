"""Reading the chosen article field by field into a Draft, each value with its source sentence."""

import datetime
import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from tracker.models import Authority, ChecklistItem, Milestone, Program, local_date
from tracker.notices import conditions
from tracker.notices.articles import (
    choose_article,
    deadline_like,
    is_headline,
    split_articles,
    split_clauses,
    split_lines,
    split_sentences,
)
from tracker.notices.draft import (
    Draft,
    Entry,
    Found,
    NoticeError,
    ProposedAuthority,
    SectorMatch,
    Stage,
    Taxonomy,
)
from tracker.notices.patterns import (
    ACTOR,
    ATTESTATION,
    AUTHORITY_LEVELS,
    BENEFIT_RE,
    BODY_PUNCTUATION,
    BUREAU_OBJECT,
    CALL,
    CN_NUMBERS,
    CONDITION_DATE,
    DATE_RE,
    DATELINE,
    FORWARD,
    FROM_TODAY,
    FULL_DATE_RE,
    HEADING_NUMBER,
    INLINE_MATERIALS,
    ITEM_NUMBER,
    JOINT_ONLY,
    LIMIT_RE,
    LIST_SPLIT,
    LOCALITY,
    MANUAL_CONDITION,
    MATERIALS_HEADING,
    OPENING_WORD,
    ORG_NAME,
    PARTNERSHIP_RE,
    RANGE_RE,
    RECIPIENT,
    REQUIRED_SECTORS,
    ROLLING,
    SECTOR_GROUP,
    SECTOR_GROUP_BRACKETS,
    SECTOR_HEADING,
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


# How far before the notice's own date a yearless date may fall and still be this year's (a
# notice may recall a date it set before, such as the day the system opened).
LOOKBACK = datetime.timedelta(days=60)


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
        self.issuer, self.called = self._forwarded(self.headline)
        self.signed = self._notice_date()
        self.next_year_dates = []
        self.draft_ = Draft(article=article.text)

    def draft(self):
        d = self.draft_
        d.title = self._title()
        d.short_name = self._first(SHORT_NAME, lambda m, s: m.group(1))
        d.authority, d.new_authority = self._authority()
        d.year = self._year(d.title)
        self.reference_year, self.year_note = self._reference_year(d.year)
        d.opens_on = self._opening()
        d.deadline, d.deadline_time, d.stages = self._deadlines()
        d.rolling = self._first(ROLLING, lambda m, s: True)
        d.sectors, d.sector_policy = self._sectors()
        d.max_co_builders = self._first(LIMIT_RE, _co_builders)
        d.preferred_partnership = self._first(
            PARTNERSHIP_RE, lambda m, s: Program.Partnership.ACADEMIA_ENTERPRISE.value
        )
        d.benefits = self._first(BENEFIT_RE, lambda m, s: s)
        d.checklist, d.conditions = self._checklist()
        d.thresholds = self._thresholds(d.year)
        d.qualifications = self._qualifications()
        d.warnings = self._warnings(d)
        return d

    def _first(self, pattern, value):
        for sentence in self.sentences:
            match = pattern.search(sentence)
            if match:
                return Found(value(match, sentence), sentence)
        return None

    @staticmethod
    def _forwarded(headline):
        """For a county bureau's "关于转发《…的通知》的通知": the original's issuer and title.

        The program is the original call: its issuer is the program's authority, its title the
        program's title, whoever passes it on.
        """
        if headline is None or not FORWARD.search(headline):
            return None, headline
        inner = headline[FORWARD.search(headline).end():]
        # The forwarding notice's own "的通知" closes the title, after the original's name.
        inner = re.sub(r"》?的通知$", "", inner).strip("《》")
        issuer = ORG_NAME.match(inner.split("关于")[0]) if "关于" in inner else None
        if issuer and issuer.group(0) == inner.split("关于")[0]:
            return issuer.group(0), inner
        return None, inner

    def _title(self):
        if self.headline is None:
            return None
        title = self.called
        for pattern in TITLE_DROP:
            title = pattern.sub("", title)
        return Found(title.strip(), self.headline)

    def _signature(self):
        """The lines naming the issuer at the end of a formal notice, above its date."""
        lines = self.body_lines[-4:]
        if self.signed:
            lines = self.body_lines[:self.body_lines.index(self.signed[1])][-3:]
        return [line for line in lines if is_headline(line)]

    def _authority(self):
        """The issuer: a known authority, or a proposed new one when only its name is known.

        Tried in turn: the original issuer of a forwarded notice, the signature, the title's
        "某某局关于…", then (known authorities only) the body of a news report.
        """
        named = []
        if self.issuer:
            named.append((self.issuer, self.headline))
        for line in self._signature():
            for part in line.split():
                if ORG_NAME.fullmatch(part):
                    named.append((part, line))
        if self.headline and "关于" in self.headline:
            prefix = self.headline.split("关于")[0].split()
            if prefix and ORG_NAME.fullmatch(prefix[0]):
                named.append((prefix[0], self.headline))
        if named:
            name, line = named[0]
            known = self._known_authority(name)
            if known is not None:
                return Found(known, line), None
            return None, Found(ProposedAuthority(name, _level(name)), line)
        needles = sorted(
            (
                (name, authority)
                for authority in self.taxonomy.authorities
                for name in (authority.name_zh, authority.short_name_zh)
                if name
            ),
            key=lambda pair: -len(pair[0]),
        )
        for line in self.sentences:
            hits = [(line.find(name), authority) for name, authority in needles if name in line]
            if hits:
                return Found(min(hits, key=lambda hit: hit[0])[1], line), None
        return None, None

    def _known_authority(self, name):
        return next(
            (a for a in self.taxonomy.authorities if name in (a.name_zh, a.short_name_zh)), None
        )

    def _year(self, title):
        if title:
            match = re.search(r"(\d{4})\s*年", title.value)
            if match:
                return Found(int(match.group(1)), title.source)
        if self.signed:
            return Found(self.signed[0].year, self.signed[1])
        if title:
            # A news report's headline drops the year its first sentence gives the call:
            # "2025年度职工技能提升补贴申领工作已经开始".
            named = re.compile(r"(\d{4})\s*年度?\s*" + re.escape(title.value))
            for sentence in self.sentences:
                match = named.search(sentence)
                if match:
                    return Found(int(match.group(1)), sentence)
        return None

    def _reference_year(self, year):
        """The year of dates written without one: the notice's own date, else the first full
        date of a stage, else the program's year. A year of a condition ("2024年主营业务收入",
        "2024年12月31日前注册") is no reference."""
        if self.signed:
            return self.signed[0].year, ""
        for sentence in self.sentences:
            for clause in split_clauses(sentence):
                match = FULL_DATE_RE.search(clause)
                if match and not CONDITION_DATE.search(clause):
                    return int(match.group(1)), ""
        if year:
            return year.value, ""
        return self.today.year, _("The notice names no year; today's year was assumed.")

    def _date(self, match, prefix=""):
        explicit = match.group(f"{prefix}year")
        day = _calendar_date(explicit or self.reference_year, match.group(f"{prefix}month"),
                             match.group(f"{prefix}day"))
        # A notice signed in November asking for "1月10日前" means next January: a yearless
        # date well before the notice's own date is read in the next year, and flagged.
        if day and not explicit and self.signed and day < self.signed[0] - LOOKBACK:
            day = _calendar_date(day.year + 1, day.month, day.day)
            self.next_year_dates.append(day)
        return day

    def _notice_date(self):
        """The date a formal notice is signed with, on its own line at the end."""
        for line in reversed(self.body_lines[-4:]):
            match = FULL_DATE_RE.fullmatch(line)
            if match and (day := _calendar_date(*match.groups())):
                return day, line
        return None

    def _opening(self):
        for sentence in self.sentences:
            clauses = [c for c in split_clauses(sentence) if not CONDITION_DATE.search(c)]
            for clause in clauses:
                range_match = RANGE_RE.search(clause)
                if range_match and (day := self._date(range_match)):
                    return Found(day, sentence, self.year_note)
            if FROM_TODAY.search(sentence) and self.signed:
                return Found(self.signed[0], sentence,
                             _("“From today” is the notice's date: %(line)s")
                             % {"line": self.signed[1]})
            if not OPENING_WORD.search(sentence):
                continue
            for clause in clauses:
                for match in DATE_RE.finditer(clause):
                    if not deadline_like(match, clause) and (day := self._date(match)):
                        return Found(day, sentence, self.year_note)
        return None

    def _deadlines(self):
        """The applicant deadline, its time of day, and every other dated stage with its
        audience."""
        stages = []
        for sentence in self.sentences:
            offset = 0
            for clause in split_clauses(sentence):
                offset = sentence.index(clause, offset)
                stage = self._stage(clause, sentence[:offset])
                if stage:
                    stages.append(Found(stage, sentence, self.year_note))
        applicant = [s for s in stages if s.value.audience == Milestone.Audience.APPLICANT]
        if not applicant:
            return None, None, stages
        last = max(applicant, key=lambda s: s.value.due_on)
        note = last.note
        time = None
        if last.value.time:
            note = _("Due at %(time)s local time.") % {"time": last.value.time}
            time = Found(last.value.time, last.source)
        deadline = Found(last.value.due_on, last.source, note)
        return deadline, time, [s for s in stages if s is not last]

    def _stage(self, clause, before):
        """The clause's dated stage, if it has one; `before` is the sentence up to the clause."""
        if CONDITION_DATE.search(clause):
            return None
        range_match = RANGE_RE.search(clause)
        if range_match:
            if range_match.group("end_day"):
                start = self._date(range_match)
                due = start and _calendar_date(start.year, start.month,
                                               range_match.group("end_day"))
            else:
                due = self._date(range_match, "e_")
            time, at, end = _time(range_match, "e_"), range_match.start(), range_match.end()
        else:
            match = next((m for m in DATE_RE.finditer(clause) if deadline_like(m, clause)), None)
            if match is None:
                return None
            due, time, at, end = self._date(match), _time(match), match.start(), match.end()
        if due is None:
            return None
        audience = _audience(before + clause[:at], clause[end:])
        return Stage(due, audience, clause.strip().rstrip(SENTENCE_END), time)

    def _sectors(self):
        best = self._sectors_under_heading()
        for sentence in self.sentences:
            trigger = SECTOR_TRIGGER.search(sentence)
            if not trigger:
                continue
            listed = SECTOR_GROUP_BRACKETS.sub(r"\1", sentence[trigger.end():])
            listed = SECTOR_LIST_END.split(SECTOR_GROUP.sub("", listed))[0]
            listed = LOCALITY.sub("", listed.split("的")[0])
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

    def _sectors_under_heading(self):
        """Sectors one a line under a heading such as "一、支持方向": (names, heading) or None."""
        for i, line in enumerate(self.body_lines):
            if not (HEADING_NUMBER.match(line) and SECTOR_HEADING.search(line)
                    and len(line) <= 20):
                continue
            names = []
            for item in self.body_lines[i + 1:]:
                if item.endswith(("：", ":")) and not names:
                    continue
                numbered = ITEM_NUMBER.match(item)
                name = item[numbered.end():].rstrip(SENTENCE_END + "。") if numbered else ""
                if not numbered or not name or len(name) > 15 or BODY_PUNCTUATION.search(name):
                    break
                names.append(name)
            if len(names) >= 2:
                return names, line
        return None

    def _sector(self, name):
        # Exact names only: "新能源汽车" is not "新能源", so it is proposed as a new sector.
        return next((s for s in self.taxonomy.sectors if s.name_zh == name), None)

    def _thresholds(self, year):
        return [Found(threshold, sentence)
                for sentence in self.sentences
                for threshold in conditions.thresholds(sentence, year and year.value)]

    def _qualifications(self):
        names = conditions.qualification_names(self.taxonomy.qualifications)
        found = []
        for sentence in self.sentences:
            group = found[-1].value.group + 1 if found else 1
            found.extend(Found(required, sentence)
                         for required in conditions.required_qualifications(sentence, names, group))
        return found

    def _checklist(self):
        """Items of a "申报材料" section, else a listed "须提交…、…"; and the conditions to
        confirm that the body's sentences state.

        A document to hand in, even a 承诺书, is a checklist entry; a sentence outside the
        materials stating what must be true of the applicant ("近三年无严重失信行为",
        "须承诺…") is a condition to confirm, and only that: shown once, where it decides
        the verdict.

        A section's items may share one line ("（1）申请表；（2）营业执照"), or follow its
        heading on the same line ("三、申领材料：1.申请表；2.…").
        """
        entries, in_section, outside = [], False, []
        for line in self.body_lines:
            numbered = HEADING_NUMBER.match(line)
            if numbered and re.match(r"^[一二三四五六七八九十]+、", line):
                heading, _colon, rest = line.partition("：")
                in_section = MATERIALS_HEADING.search(heading) is not None and len(heading) <= 20
                if in_section and rest:
                    entries.extend(self._items(rest, line))
            elif in_section and numbered:
                entries.extend(self._items(line, line))
            else:
                outside.append(line)
        from_section, to_confirm = bool(entries), []
        for sentence in (s for line in outside for s in split_sentences(line)):
            listed = INLINE_MATERIALS.search(sentence)
            if listed and not from_section:
                entries.extend(
                    Found(_entry(title.strip()), sentence)
                    for title in LIST_SPLIT.split(listed.group(1))
                    if title.strip()
                )
            elif MANUAL_CONDITION.search(sentence):
                to_confirm.append(Found(conditions.manual_condition(sentence), sentence))
        return entries, to_confirm

    @staticmethod
    def _items(text, line):
        items = []
        for part in split_sentences(text):
            numbered = ITEM_NUMBER.match(part)
            title = (part[numbered.end():] if numbered else part).strip().rstrip(SENTENCE_END)
            if title:
                items.append(Found(_entry(title), line))
        return items

    def _warnings(self, d):
        """Dates a reader should look at twice: outside the application window, or in a year
        other than the notice's own (or the next one's)."""
        warnings = []
        if d.rolling and not d.deadline:
            warnings.append(_(
                "A rolling call (常年受理): the program is created without a deadline and stays "
                "unpublished until one is set, as reminders count down to a deadline."
            ))
        if self.next_year_dates:
            warnings.append(
                _("Dates written without a year fall well before the notice's own date, so "
                  "they were read in the next year: %(dates)s.")
                % {"dates": pgettext("list separator", ", ").join(
                    str(day) for day in sorted(set(self.next_year_dates))
                )}
            )
        notice_year = self.signed[0].year if self.signed else (d.year and d.year.value)
        dated = [(d.opens_on, _("opening date")), (d.deadline, _("applicant deadline"))]
        dated += [(s, _("stage “%(title)s”") % {"title": s.value.title}) for s in d.stages]
        for found, label in dated:
            if not found:
                continue
            day = found.value.due_on if isinstance(found.value, Stage) else found.value
            if notice_year and not notice_year <= day.year <= notice_year + 1:
                warnings.append(
                    _("The %(what)s (%(date)s) is in another year than the notice (%(year)s).")
                    % {"what": label, "date": day, "year": notice_year}
                )
            if self.signed and day < self.signed[0]:
                warnings.append(
                    _("The %(what)s (%(date)s) is before the notice's own date (%(signed)s).")
                    % {"what": label, "date": day, "signed": self.signed[0]}
                )
            if d.opens_on and found is not d.opens_on and day < d.opens_on.value:
                warnings.append(
                    _("The %(what)s (%(date)s) is before the opening date (%(opens)s).")
                    % {"what": label, "date": day, "opens": d.opens_on.value}
                )
        if d.year and notice_year and abs(d.year.value - notice_year) > 1:
            warnings.append(
                _("The program's year (%(year)s) is far from the notice's own year (%(notice)s).")
                % {"year": d.year.value, "notice": notice_year}
            )
        return warnings


def _audience(before, after):
    """Applicants, unless the last actor named before the date is a bureau, or what the stage
    asks for after it only a bureau does."""
    actors = list(ACTOR.finditer(RECIPIENT.sub("", before)))
    bureau = bool(actors) and actors[-1].group("bureau") is not None
    if BUREAU_OBJECT.search(after):
        bureau = True
    return Milestone.Audience.BUREAU if bureau else Milestone.Audience.APPLICANT


def _co_builders(match, sentence):
    """"参与单位（含牵头单位）不超过4家" counts the lead: 3 co-builders."""
    n = _number(match.group("n"))
    return n - 1 if match.group("lead") else n


def _level(name):
    level = next(value for pattern, value in AUTHORITY_LEVELS + [(re.compile(""), "municipal")]
                 if pattern.search(name))
    return Authority.Level(level)


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

"""Reading a pasted policy notice into a draft program, offline: regular expressions + taxonomy.

Every extracted value keeps the sentence it came from, so the administrator can check it against
the notice; a field the text does not state stays empty and is listed as missing, never guessed.
A pasted newspaper page holds several articles: the one announcing a call (申报, 认定, 通知 ...)
with a deadline is read, the rest ignored.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tracker.models import Authority, ChecklistItem, Milestone, Program, ProgramSector, Sector

SENTENCE_END = "。！？；"
# A line that ends in none of these was cut by the page layout (a newspaper column break).
LINE_END = SENTENCE_END + "：:”」）)"
BODY_PUNCTUATION = re.compile(r"[，。；！？]")
HEADING_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[①-⑳])"
)
BYLINE = re.compile(r"记者|通讯员|报道|摄影|编辑|来源[:：]")
# The newspaper's "日报消息（全媒体记者某某）" before the first sentence of a report.
DATELINE = re.compile(r"^(?:本报讯|[^，。]{0,12}消息)\s*(?:[（(][^）)]*[）)])?\s*")
CALL = re.compile(r"申报|认定|通知|征集|遴选|推荐")

DATE = (
    r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"
    r"(?:\s*(?:上午|(?P<pm>下午|晚上))?\s*(?P<hour>\d{1,2})\s*[:：时点]\s*(?P<minute>\d{2})?\s*分?)?"
)
DATE_RE = re.compile(DATE)
FULL_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
BEFORE_RE = re.compile(r"^\s*(?:之前|以前|前|止|为止)")
DEADLINE_WORD = re.compile(r"截止|截至")
# "4月1日至4月15日" or "3月25日至26日"; the end date's groups are prefixed with e_.
RANGE_RE = re.compile(
    DATE
    + r"\s*(?:至|到|—|－|~|～)\s*(?P<end>"
    + DATE.replace("?P<", "?P<e_")
    + r"|(?P<end_day>\d{1,2})\s*[日号])"
)
OPENING_WORD = re.compile(r"启动|开始|开展|发布|印发|受理|起")
FROM_TODAY = re.compile(r"即日起|自即日")

BUREAU_SUBJECT = re.compile(r"县|区|市级|主管部门|推荐|科技局|科技厅|各市")
APPLICANT_SUBJECT = re.compile(r"申报单位|申请单位|项目单位|企业|申请人|申报人")

SHORT_NAME = re.compile(r"以下简称[“\"]([^”\"]+)[”\"]")
TITLE_DROP = [
    re.compile(r"^.*?关于(?:组织|开展|做好)?(?:申报|推荐|征集)?"),
    re.compile(r"(?:申报)?(?:工作)?的通知$"),
    re.compile(r"(?:申报)?(?:工作)?(?:正式)?(?:启动|开始|开启|开展)$"),
]
REQUIRED_SECTORS = re.compile(r"仅限|限于|须属于|必须属于")
SECTOR_TRIGGER = re.compile(
    rf"(?:重点支持|支持领域|支持方向|重点领域|聚焦|{REQUIRED_SECTORS.pattern})[:：为是]?"
)
# The list ends at "等" ("and other") or at the word naming what the items are.
SECTOR_LIST_END = re.compile(r"等|领域|产业|行业|方向|[，。；]")
LIST_SPLIT = re.compile(r"、|以及|及|和")
CN_NUMBERS = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
LIMIT_RE = re.compile(
    r"(?:共建|合作|联合)单位[^，。；]{0,10}?(?:不超过|不得超过|不多于|最多|至多)\s*"
    r"(\d+|[一二两三四五六七八九十])\s*[个家]"
)
ACADEMIA = r"(?:高校|高等院校|科研机构|科研院所|研究院所)"
PARTNERSHIP_RE = re.compile(
    rf"(?:优先|鼓励)[^。]*(?:{ACADEMIA}[^。]*企业|企业[^。]*{ACADEMIA})[^。]*(?:联合|共建|合作)"
)
BENEFIT_RE = re.compile(
    r"可[^。，]{0,6}(?:优先)?获得|给予[^。]*(?:支持|补助|奖励|资助)|(?:补助|资助|奖补|奖励)[^。]{0,10}\d+\s*万元"
)
MATERIALS_HEADING = re.compile(r"材料")
INLINE_MATERIALS = re.compile(
    r"(?:须|需|需要|应|应当|请)[^。；]{0,10}?(?:提交|报送|递交|提供)(?:以下|如下)?(?:材料)?[:：]?"
    r"([^。；等]*、[^。；等]*)"
)
ATTESTATION = re.compile(r"承诺|声明|无严重失信|失信|信用记录|未被列入")
JOINT_ONLY = re.compile(r"合作协议|共建协议|联合申报|共建单位|合作单位")


class NoticeError(ValueError):
    """The text cannot be read as a notice; the message says why, for the administrator."""


@dataclass(frozen=True)
class Found:
    """An extracted value and the sentence of the notice it was read from."""

    value: object
    source: str
    note: str = ""


@dataclass(frozen=True)
class Stage:
    due_on: datetime.date
    audience: str
    title: str
    time: str = ""


@dataclass(frozen=True)
class SectorMatch:
    name: str
    sector: object = None  # a Sector, or None for a sector the taxonomy lacks (proposed as new)


@dataclass(frozen=True)
class Entry:
    """A checklist entry: a material to submit or an attestation to make."""

    title: str
    kind: str
    joint_only: bool


@dataclass
class Taxonomy:
    sectors: list
    authorities: list

    @classmethod
    def from_db(cls):
        return cls(list(Sector.objects.all()), list(Authority.objects.all()))


# The fields the review page lists, in order; a missing one is shown as not found.
FIELD_LABELS = {
    "title": _("title"),
    "short_name": _("short name"),
    "authority": _("issuing authority"),
    "year": _("year"),
    "opens_on": _("opening date"),
    "deadline": _("applicant deadline"),
    "stages": _("other stages"),
    "sectors": _("priority sectors"),
    "sector_policy": _("sector policy"),
    "max_co_builders": _("maximum co-building units"),
    "preferred_partnership": _("preferred partnership"),
    "benefits": _("benefits"),
    "checklist": _("materials and attestations"),
}


@dataclass
class Draft:
    article: str
    title: Found | None = None
    short_name: Found | None = None
    authority: Found | None = None
    year: Found | None = None
    opens_on: Found | None = None
    deadline: Found | None = None
    stages: list = field(default_factory=list)
    sectors: Found | None = None
    sector_policy: Found | None = None
    max_co_builders: Found | None = None
    preferred_partnership: Found | None = None
    benefits: Found | None = None
    checklist: list = field(default_factory=list)

    @property
    def missing(self):
        return [name for name in FIELD_LABELS if not getattr(self, name)]

    @property
    def new_sectors(self):
        return [m.name for m in self.sectors.value if m.sector is None] if self.sectors else []

    def rows(self):
        """(label, [(shown value, source sentence, note)]) per field, for the review page."""
        return [(label, [
            (self._shown(name, found.value), found.source, found.note)
            for found in self._found(name)
        ]) for name, label in FIELD_LABELS.items()]

    def _found(self, name):
        value = getattr(self, name)
        return value if isinstance(value, list) else [value] if value else []

    @staticmethod
    def _shown(name, value):
        if name == "stages":
            audience = Milestone.Audience(value.audience).label
            return f"{value.due_on} {value.time} · {audience} · {value.title}".replace("  ", " ")
        if name == "sectors":
            new = _("new")
            return "、".join(m.name if m.sector else f"{m.name}（{new}）" for m in value)
        if name == "sector_policy":
            return Program.SectorPolicy(value).label
        if name == "preferred_partnership":
            return Program.Partnership(value).label
        if name == "checklist":
            parts = [value.title, ChecklistItem.Kind(value.kind).label]
            if value.joint_only:
                parts.append(str(_("joint applications only")))
            return " · ".join(str(p) for p in parts)
        return str(value)

    @transaction.atomic
    def save_as_program(self, *, title_zh, year, slug, authority, source_publication,
                        new_sector_codes=None):
        """Create the unpublished Program with its sectors, stages and checklist.

        Title and year are the administrator's (prefilled from the draft). `new_sector_codes`
        maps a proposed sector name to the code the administrator gave it; proposed sectors
        without a code are left out.
        """
        new_sector_codes = new_sector_codes or {}
        program = Program(
            slug=slug,
            authority=authority,
            source_publication=source_publication,
            is_published=False,
            year=year,
            title_zh=title_zh,
            short_name_zh=_value(self.short_name, ""),
            opens_on=_value(self.opens_on),
            deadline=_value(self.deadline),
            deadline_clause=_source(self.deadline),
            max_co_builders=_value(self.max_co_builders),
            co_builder_clause=_source(self.max_co_builders),
            preferred_partnership=_value(self.preferred_partnership, ""),
            partnership_clause=_source(self.preferred_partnership),
            sector_clause=_source(self.sectors),
            sector_policy=_value(self.sector_policy, Program.SectorPolicy.PRIORITY),
            benefits_zh=_value(self.benefits, ""),
        )
        program.full_clean()
        program.save()
        sectors = []
        for match in self.sectors.value if self.sectors else []:
            if match.sector is not None:
                sectors.append(match.sector)
            elif new_sector_codes.get(match.name):
                sector = Sector(code=new_sector_codes[match.name], name_zh=match.name)
                sector.full_clean()
                sector.save()
                sectors.append(sector)
        ProgramSector.objects.bulk_create(
            ProgramSector(program=program, sector=s, position=i)
            for i, s in enumerate(sectors, start=1)
        )
        Milestone.objects.bulk_create(
            Milestone(program=program, title_zh=s.value.title[:200], due_on=s.value.due_on,
                      audience=s.value.audience)
            for s in self.stages
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(program=program, position=i, title_zh=e.value.title[:300],
                          kind=e.value.kind, joint_only=e.value.joint_only, citation=e.source)
            for i, e in enumerate(self.checklist, start=1)
        )
        return program


def _value(found, default=None):
    return found.value if found else default


def _source(found):
    return found.source if found else ""


def draft_from_notice(text, today=None, taxonomy=None):
    """Read the call announced in `text` (a notice, or a whole newspaper page) into a Draft.

    `today` only settles the year of dates when the notice names no year at all.
    """
    lines = _lines(text or "")
    if not lines:
        raise NoticeError(_("The text is empty: paste the whole notice."))
    article = _choose_article(_articles(lines))
    if article is None:
        raise NoticeError(
            _(
                "No article in this text announces a call for applications (申报, 认定 or 通知): "
                "paste the notice itself."
            )
        )
    taxonomy = taxonomy or Taxonomy.from_db()
    return _Reader(article, today or datetime.date.today(), taxonomy).draft()


def _lines(text):
    """Non-empty lines, with lines the page layout cut in the middle of a sentence rejoined."""
    # `\d` and int() read full-width digits too, so sources keep the notice's own characters.
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if lines and _is_cut(lines[-1]):
            lines[-1] += line
        else:
            lines.append(line)
    return lines


def _is_cut(line):
    return (
        line[-1] not in LINE_END
        and BODY_PUNCTUATION.search(line) is not None
        and not HEADING_NUMBER.match(line)
    )


def _is_headline(line):
    return (
        len(line) <= 60
        and BODY_PUNCTUATION.search(line) is None
        and not line.endswith(("：", ":"))
        and not HEADING_NUMBER.match(line)
        and not BYLINE.search(line)
        and not FULL_DATE_RE.fullmatch(line)
    )


@dataclass
class _Article:
    headlines: list
    lines: list

    @property
    def text(self):
        return "\n".join(self.headlines + self.lines)


def _articles(lines):
    """Split a page into articles: each starts at a run of headlines followed by a sentence.

    Short lines followed by no sentence (a notice's signature and date) stay in the article.
    """
    articles, pending = [], []
    for line in lines:
        if _is_headline(line):
            pending.append(line)
            continue
        if pending and (BODY_PUNCTUATION.search(line) or not articles):
            articles.append(_Article(pending, []))
            pending = []
        if not articles:
            articles.append(_Article([], []))
        articles[-1].lines.extend([*pending, line])
        pending = []
    if pending:
        if articles:
            articles[-1].lines.extend(pending)
        else:
            articles.append(_Article(pending, []))
    return articles


def _choose_article(articles):
    def score(article):
        text = article.text
        has_deadline = any(_deadline_like(m, text) for m in DATE_RE.finditer(text))
        return (has_deadline, len(CALL.findall(text)))

    candidates = [a for a in articles if CALL.search(a.text)]
    return max(candidates, key=score) if candidates else None


def _deadline_like(match, text):
    after = text[match.end():]
    before = text[max(0, match.start() - 12):match.start()]
    return BEFORE_RE.match(after) is not None or DEADLINE_WORD.search(before) is not None


def _sentences(line):
    parts = re.findall(rf"[^{SENTENCE_END}]+[{SENTENCE_END}]?", line)
    return [p.strip() for p in parts if p.strip()]


def _clauses(sentence):
    return [c for c in re.split(r"[，,；;]", sentence) if c.strip()]


class _Reader:
    def __init__(self, article, today, taxonomy):
        self.article, self.today, self.taxonomy = article, today, taxonomy
        body = list(article.lines)
        if body:
            body[0] = DATELINE.sub("", body[0])
        self.body_lines = body
        self.sentences = [s for line in body for s in _sentences(line)]
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
        signature = [line for line in self.body_lines[-3:] if _is_headline(line)]
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
                if not _deadline_like(match, sentence) and (day := self._date(match)):
                    return Found(day, sentence, self.year_note)
        return None

    def _deadlines(self):
        """The applicant deadline and every other dated stage, each with its audience."""
        stages = []
        for sentence in self.sentences:
            for clause in _clauses(sentence):
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
            match = next((m for m in DATE_RE.finditer(clause) if _deadline_like(m, clause)), None)
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
        for sentence in (s for line in outside for s in _sentences(line)):
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

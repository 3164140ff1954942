"""The conditions a notice sets on applicants, read as the rows a program holds: thresholds on
an organization's facts, qualifications to hold, and conditions only the firm can confirm.

Each is proposed with its sentence, like every other field of the draft; what the patterns do
not recognise is left out rather than guessed (a condition the administrator adds by hand costs
less than a wrong one saved unnoticed).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from tracker.models import Fact, FactThreshold
from tracker.notices.articles import split_clauses
from tracker.notices.patterns import (
    ALL_OF,
    AT_MOST_WORDS,
    CN_NUMBERS,
    EITHER,
    HEADING_NUMBER,
    MANUAL_CONDITION,
    QUALIFICATION_ABBREVIATIONS,
    QUALIFICATION_CUE,
    SENTENCE_END,
    THRESHOLDS,
    YEARS_REGISTERED,
)

# Money is held in 万元 (Fact.unit): 1亿元 is 10,000 万元.
TEN_THOUSANDS = {"万元": Decimal(1), "亿元": Decimal(10000), None: Decimal(1)}
AT_MOST = re.compile(rf"^(?:{AT_MOST_WORDS})$|以下$")


@dataclass(frozen=True)
class Threshold:
    fact: str
    bound: str
    value: Decimal
    year: int | None = None


@dataclass(frozen=True)
class RequiredQualification:
    qualification: object  # a Qualification
    group: int


def thresholds(sentence, program_year):
    """[Threshold] stated in `sentence`, in its order. "上年度" is the year before the
    program's (None when the program's year is unknown)."""
    found = []
    for clause in split_clauses(sentence):
        hits = []
        taken = []
        for fact, pattern in THRESHOLDS:
            for match in pattern.finditer(clause):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                if not (match.group("before") or match.group("after")):
                    continue  # a figure without a bound is a description, not a condition
                taken.append(match.span())
                hits.append((match.start(), _threshold(fact, match, program_year)))
        for match in YEARS_REGISTERED.finditer(clause):
            if match.group("most") or match.group("least") or match.group("after"):
                bound = (FactThreshold.Bound.AT_MOST if match.group("most")
                         else FactThreshold.Bound.AT_LEAST)
                value = match.group("value")
                value = int(value) if value.isdigit() else CN_NUMBERS[value]
                hits.append((match.start(),
                             Threshold(Fact.YEARS_REGISTERED.value, bound.value, Decimal(value))))
        found.extend(threshold for _at, threshold in sorted(hits, key=lambda hit: hit[0]))
    return [] if found and EITHER.search(sentence) else found


def _threshold(fact, match, program_year):
    bound_word = match.group("before") or match.group("after")
    bound = FactThreshold.Bound.AT_MOST if AT_MOST.search(bound_word) else (
        FactThreshold.Bound.AT_LEAST)
    groups = match.groupdict()
    value = Decimal(groups["value"]) * TEN_THOUSANDS[groups.get("unit")]
    year = int(groups["year"]) if groups.get("year") else None
    if groups.get("last") and program_year:
        year = program_year - 1
    return Threshold(fact, bound.value, value, year)


def qualification_names(qualifications):
    """[(name, Qualification)] by which a notice may name each qualification, longest first.

    Besides its name: without quotes (专精特新小巨人企业), its bracketed short name and the name
    without it (规上企业, 规模以上工业企业), "中小企业" shortened to "企业" (专精特新企业), and a
    quoted part as a firm (小巨人企业); names and text are compared with abbreviations spelled
    out (规上工业企业 is 规模以上工业企业). "国家高新技术企业" holds the name, so it needs none.
    """
    names = []
    for qualification in qualifications:
        name = qualification.name_zh
        plain = _plain(name)
        variants = {plain}
        bracket = re.search(r"[（(]([^）)]+)[）)]", plain)
        if bracket:
            variants |= {bracket.group(1), plain[:bracket.start()] + plain[bracket.end():]}
        variants |= {v.replace("中小企业", "企业") for v in set(variants) if "中小企业" in v}
        variants |= {q + "企业" for q in re.findall(r"[“\"]([^”\"]+)[”\"]", name)}
        names.extend((v, qualification) for v in variants if len(v) >= 3)
    return sorted(names, key=lambda pair: -len(pair[0]))


def required_qualifications(sentence, names, next_group):
    """[RequiredQualification] the sentence requires, numbered from group `next_group`: the
    names of one clause are alternatives unless joined by "同时" or "且" (each required)."""
    found = []
    for clause in split_clauses(sentence):
        cue = QUALIFICATION_CUE.search(clause)
        if not cue:
            continue
        held = _named(clause[cue.end():], names)
        if not held:
            continue
        every = ALL_OF.search(clause) is not None
        for i, qualification in enumerate(held):
            found.append(RequiredQualification(qualification, next_group + (i if every else 0)))
        next_group = found[-1].group + 1
    return found


def _named(text, names):
    """The qualifications named in `text`, in its order, each once; at each place the longest
    name wins (专精特新“小巨人”企业 over 专精特新企业)."""
    spans, held = [], []
    for name, qualification in names:
        for match in re.finditer(re.escape(name), _plain(text)):
            if any(match.start() < end and start < match.end() for start, end, _q in spans):
                continue
            spans.append((match.start(), match.end(), qualification))
    for _start, _end, qualification in sorted(spans, key=lambda span: span[0]):
        if qualification not in held:
            held.append(qualification)
    return held


def _plain(text):
    """Without quotes, abbreviations spelled out: how names are compared."""
    text = re.sub(r"[“”\"「」]", "", text)
    for full, short in QUALIFICATION_ABBREVIATIONS:
        text = text.replace(short, full)
    return text


def manual_condition(sentence):
    """The clauses of `sentence` stating a condition the site cannot judge ("无严重失信行为"),
    from the first such clause to the last, or None."""
    clauses = [c.strip() for c in split_clauses(HEADING_NUMBER.sub("", sentence.strip()))]
    hits = [i for i, clause in enumerate(clauses) if MANUAL_CONDITION.search(clause)]
    if not hits:
        return None
    text = "，".join(clauses[hits[0]:hits[-1] + 1]).rstrip(SENTENCE_END)
    return text[:300]

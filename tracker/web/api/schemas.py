"""The API's response shapes, for its OpenAPI schema and the validation of what it returns.
Dates are ISO 8601 strings (times in UTC, to the second), as in the bulk extract."""

from ninja import Schema


class ProgramRecord(Schema):
    """One program as listed; the same fields as each line of /data/programs.jsonl."""

    slug: str
    url: str
    year: int
    title_zh: str
    title_en: str
    short_name_zh: str
    short_name_en: str
    authority_zh: str
    authority_en: str
    authority_level: str
    regions: list[str]
    sectors: list[str]
    benefit_kind: str
    opens_on: str | None
    deadline: str | None
    timezone: str
    status: str
    published_at: str | None
    updated_at: str | None


class ProgramPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ProgramRecord]


class Rule(Schema):
    rule: str
    label: str
    requirement: str
    citation: str


class MilestoneRecord(Schema):
    due_on: str
    kind: str
    title_zh: str
    title_en: str
    audience: str


class ChecklistRecord(Schema):
    title_zh: str
    title_en: str
    kind: str
    required: bool
    joint_only: bool
    citation: str


class Source(Schema):
    publication: str
    url: str
    date: str | None


class ProgramDetail(ProgramRecord):
    summary_zh: str
    summary_en: str
    benefits_zh: str
    benefits_en: str
    rules: list[Rule]
    milestones: list[MilestoneRecord]
    checklist: list[ChecklistRecord]
    source: Source


class Errors(Schema):
    """{parameter: [messages]}: each wrong parameter with what is wrong, in the site's
    language."""

    errors: dict[str, list[str]]

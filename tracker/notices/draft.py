"""A draft program read from a notice: each field with the sentence it came from."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tracker.eligibility.rules import threshold_requirement
from tracker.models import (
    Authority,
    ChecklistItem,
    FactThreshold,
    ManualCondition,
    Milestone,
    Program,
    Qualification,
    QualificationRequirement,
    Sector,
)
from tracker.services.programs import set_priority_sectors


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
class ProposedAuthority:
    """An issuer the database lacks, named by the notice: the administrator confirms it."""

    name_zh: str
    level: str


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
    qualifications: list = field(default_factory=list)

    @classmethod
    def from_db(cls):
        return cls(list(Sector.objects.all()), list(Authority.objects.all()),
                   list(Qualification.objects.all()))


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
    "thresholds": _("thresholds on facts"),
    "qualifications": _("qualifications required"),
    "conditions": _("conditions to confirm"),
}

# The rows each condition field becomes: model, and its row's fields from a found value.
CONDITION_ROWS = {
    "thresholds": (FactThreshold, lambda t: {
        "fact": t.fact, "bound": t.bound, "value": t.value, "year": t.year}),
    "qualifications": (QualificationRequirement, lambda q: {
        "qualification": q.qualification, "group": q.group}),
    "conditions": (ManualCondition, lambda text: {"text_zh": text}),
}


@dataclass
class Draft:
    article: str
    title: Found | None = None
    short_name: Found | None = None
    authority: Found | None = None
    # A ProposedAuthority, when the issuer is named but not in the database.
    new_authority: Found | None = None
    year: Found | None = None
    opens_on: Found | None = None
    deadline: Found | None = None
    deadline_time: Found | None = None
    # A rolling call (常年受理) has no deadline, and says so.
    rolling: Found | None = None
    stages: list = field(default_factory=list)
    sectors: Found | None = None
    sector_policy: Found | None = None
    max_co_builders: Found | None = None
    preferred_partnership: Found | None = None
    benefits: Found | None = None
    checklist: list = field(default_factory=list)
    # Conditions on applicants, each becoming a row of its kind (CONDITION_ROWS).
    thresholds: list = field(default_factory=list)
    qualifications: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    # Dates to look at twice, shown above the draft; creating the program asks to confirm them.
    warnings: list = field(default_factory=list)

    @property
    def missing(self):
        return [name for name in FIELD_LABELS if not self._found(name)]

    @property
    def new_sectors(self):
        return [m.name for m in self.sectors.value if m.sector is None] if self.sectors else []

    def rows(self):
        """(label, [(shown value, source sentence, note)]) per field, for the review page."""
        return [(label, [
            (self.shown(name, found.value), found.source, found.note)
            for found in self._found(name)
        ]) for name, label in FIELD_LABELS.items()]

    def _found(self, name):
        value = getattr(self, name)
        if name == "authority" and not value:
            value = self.new_authority
        if name == "deadline" and not value:
            value = self.rolling
        return value if isinstance(value, list) else [value] if value else []

    @staticmethod
    def shown(name, value):
        """`value` of field `name` in words (also for a saved row of the same kind)."""
        if isinstance(value, ProposedAuthority):
            level = Authority.Level(value.level).label
            return f"{value.name_zh}（{_('new')}，{level}）"
        if name == "deadline" and value is True:
            return str(_("Rolling call: no deadline (常年受理)"))
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
        if name == "thresholds":
            return str(threshold_requirement(value))
        if name == "qualifications":
            return f"{value.qualification.name_zh} · {_('group')} {value.group}"
        return str(value)

    @transaction.atomic
    def save_as_program(self, *, title_zh, year, slug, authority, source_publication,
                        new_sector_codes=None, new_authority=None):
        """Create the unpublished Program with its sectors, stages and checklist.

        Title and year are the administrator's (prefilled from the draft). `new_sector_codes`
        maps a proposed sector name to the code the administrator gave it; proposed sectors
        without a code are left out. `new_authority` (name_zh, level, region), when given and
        `authority` is None, is created as the program's authority in the same transaction.
        A rolling call is saved without a deadline: it stays unpublished, as a program needs a
        deadline to be published.
        """
        authority = authority or self.create_authority(new_authority)
        program = Program(
            slug=slug,
            authority=authority,
            source_publication=source_publication,
            is_published=False,
            year=year,
            title_zh=title_zh,
            **self.program_fields(),
        )
        program.full_clean()
        program.save()
        set_priority_sectors(program, self.priority_sectors(new_sector_codes or {}))
        self.add_stages(program)
        self.add_checklist(program)
        self.add_conditions(program)
        return program

    @staticmethod
    def create_authority(new_authority):
        """The proposed authority (name_zh, level, region) created, or None if not given."""
        if not new_authority:
            return None
        authority = Authority(**new_authority)
        authority.full_clean()
        authority.save()
        return authority

    def program_fields(self):
        """The Program fields this notice states, each with its clause; the others are left
        out (a new program takes the model's defaults, a next edition keeps the last one's)."""
        values = {
            "short_name_zh": self.short_name,
            "opens_on": self.opens_on,
            "deadline": self.deadline,
            "max_co_builders": self.max_co_builders,
            "preferred_partnership": self.preferred_partnership,
            "sector_policy": self.sector_policy,
            "benefits_zh": self.benefits,
        }
        clauses = {
            "deadline_clause": self.deadline or self.rolling,
            "co_builder_clause": self.max_co_builders,
            "partnership_clause": self.preferred_partnership,
            "sector_clause": self.sectors,
        }
        fields = {name: found.value for name, found in values.items() if found}
        fields.update({name: found.source for name, found in clauses.items() if found})
        return fields

    def priority_sectors(self, new_sector_codes):
        """The notice's sectors in its order: the taxonomy's, and the proposed ones the
        administrator gave a code (created here); proposed sectors without a code are left
        out."""
        sectors = []
        for match in self.sectors.value if self.sectors else []:
            if match.sector is not None:
                sectors.append(match.sector)
            elif new_sector_codes.get(match.name):
                sector = Sector(code=new_sector_codes[match.name], name_zh=match.name)
                sector.full_clean()
                sector.save()
                sectors.append(sector)
        return sectors

    def add_stages(self, program):
        Milestone.objects.bulk_create(
            Milestone(program=program, title_zh=s.value.title[:200], due_on=s.value.due_on,
                      audience=s.value.audience)
            for s in self.stages
        )

    def add_conditions(self, program, *, replace=False):
        """The notice's thresholds, qualifications and conditions to confirm as the program's
        rows, each citing its sentence. With `replace` (a next edition), a kind the notice
        states replaces the rows of that kind; a kind it does not state is kept.

        Saved one by one, validated like the admin's inline rows: their signals move the
        catalog version, so the self-check and the impact preview see them at once.
        """
        for name, (model, fields) in CONDITION_ROWS.items():
            found = getattr(self, name)
            if replace and found:
                model.objects.filter(program=program).delete()
            for position, row in enumerate(found, start=1):
                condition = model(program=program, position=position, clause=row.source,
                                  **fields(row.value))
                condition.full_clean()
                condition.save()

    def add_checklist(self, program, *, skip_titles=(), after=0):
        """The notice's materials and attestations as checklist items, numbered from
        `after` + 1, leaving out those titled as one of `skip_titles`."""
        entries = [e for e in self.checklist if e.value.title[:300] not in set(skip_titles)]
        ChecklistItem.objects.bulk_create(
            ChecklistItem(program=program, position=i, title_zh=e.value.title[:300],
                          kind=e.value.kind, joint_only=e.value.joint_only, citation=e.source)
            for i, e in enumerate(entries, start=after + 1)
        )

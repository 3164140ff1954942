"""Next year's notice against the last edition of its program, field by field.

Shown on the paste-a-notice page before the next edition is created from the notice: a field
the notice states replaces the last edition's, one it does not state is kept (the rules an
administrator refined last year are not lost to a shorter notice).
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tracker.eligibility.rules import threshold_requirement
from tracker.models import Milestone, Program
from tracker.notices.draft import FIELD_LABELS, Draft


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    status: str  # one of STATUS


STATUS = {
    "same": _("unchanged"),
    "changed": _("changed"),
    "kept": _("not in this notice: kept"),
    "next_year": _("same day, a year later"),
}


def edition_changes(program, draft):
    """[Change] for each compared field of `program` (the last edition) and `draft`."""
    rows = [
        (_("title"), program.title_zh, draft.title and draft.title.value),
        (_("issuing authority"), program.authority.name_zh, _authority(draft)),
        (_("opening date"), program.opens_on, draft.opens_on and draft.opens_on.value),
        (_("applicant deadline"), program.deadline, draft.deadline and draft.deadline.value),
        (_("other stages"), _stages(m for m in program.milestones.all()
                                    if m.kind == Milestone.Kind.STAGE),
         _stages(s.value for s in draft.stages) if draft.stages else None),
        # program_sectors.all(): the selector's prefetch, in the notice's order.
        (_("priority sectors"),
         "、".join(ps.sector.name_zh for ps in program.program_sectors.all()),
         "、".join(m.name for m in draft.sectors.value) if draft.sectors else None),
        (_("sector policy"), Program.SectorPolicy(program.sector_policy).label,
         draft.sector_policy and Program.SectorPolicy(draft.sector_policy.value).label),
        (_("maximum co-building units"), program.max_co_builders,
         draft.max_co_builders and draft.max_co_builders.value),
        (_("preferred partnership"), Program.Partnership(program.preferred_partnership).label,
         draft.preferred_partnership
         and Program.Partnership(draft.preferred_partnership.value).label),
        (_("benefits"), program.benefits_zh, draft.benefits and draft.benefits.value),
        (_("materials and attestations"),
         "；".join(i.title_zh for i in program.checklist_items.all()),
         "；".join(e.value.title for e in draft.checklist) if draft.checklist else None),
        # Rows and proposed rows have the same attributes: one wording for both.
        (FIELD_LABELS["thresholds"],
         _joined(threshold_requirement(t) for t in program.fact_thresholds.all()),
         _joined(threshold_requirement(t.value) for t in draft.thresholds)),
        (FIELD_LABELS["qualifications"],
         _joined(Draft.shown("qualifications", q)
                 for q in program.qualification_requirements.all()),
         _joined(Draft.shown("qualifications", q.value) for q in draft.qualifications)),
        (FIELD_LABELS["conditions"],
         _joined(c.text_zh for c in program.manual_conditions.all()),
         _joined(c.value for c in draft.conditions)),
    ]
    return [Change(label, _shown(before), _shown(after), _status(before, after))
            for label, before, after in rows]


def _joined(texts):
    return "；".join(str(t) for t in texts) or None


def _authority(draft):
    if draft.authority:
        return draft.authority.value.name_zh
    return draft.new_authority.value.name_zh if draft.new_authority else None


def _stages(stages):
    return "；".join(f"{s.due_on} {Milestone.Audience(s.audience).label}" for s in stages)


def _status(before, after):
    if after in (None, ""):
        return STATUS["kept"]
    if before == after:
        return STATUS["same"]
    dates = isinstance(before, datetime.date) and isinstance(after, datetime.date)
    if dates and (after.month, after.day, after.year) == (before.month, before.day,
                                                          before.year + 1):
        return STATUS["next_year"]
    return STATUS["changed"]


def _shown(value):
    return "" if value is None else str(value)

"""Eligibility: the rules of a call as code, their parameters as data on the Program.

`evaluate(profile, program)` runs every rule in the registry and returns a Verdict holding one
Finding per rule the program sets: *pass*, *fail*, *unknown* (input missing, never a silent
fail) or *preferred*. The same code serves the firm's checklist page, the anonymous self-check,
the dashboard and the admin's impact preview.

Modules: `findings` (what rules answer), `profile` (what they know of an applicant), `registry`
(the Rule base class and what is derived from the rule classes), `rules` (one class per rule
kind), `evaluation`, `ranking` (many programs ranked from their rules' outcomes alone, without
a finding), `impact` (what an edit of a program would change).
"""

from tracker.eligibility import rules  # noqa: F401  (registers the rule classes, in order)
from tracker.eligibility.evaluation import evaluate, rank, summary_for
from tracker.eligibility.findings import Finding, Outcome, Summary, Verdict
from tracker.eligibility.profile import Profile
from tracker.eligibility.ranking import CompiledRules, Ranking, standing
from tracker.eligibility.registry import (
    RULES,
    admin_rows,
    impact_fields,
    load_rule_lists,
    prefetch_for_rules,
    question_counts,
    relations,
    rule_fields,
)

__all__ = [
    "RULES",
    "CompiledRules",
    "Finding",
    "Outcome",
    "Profile",
    "Ranking",
    "Summary",
    "Verdict",
    "admin_rows",
    "evaluate",
    "impact_fields",
    "load_rule_lists",
    "prefetch_for_rules",
    "question_counts",
    "rank",
    "relations",
    "rule_fields",
    "standing",
    "summary_for",
]

"""Judging: every registered rule runs and a Verdict collects all findings."""

from tracker.eligibility.findings import Verdict
from tracker.eligibility.profile import Profile
from tracker.eligibility.registry import RULES


def evaluate(profile, program, today=None):
    """The Verdict of `profile` for `program` on `today` (the program's local date)."""
    today = today or program.local_today()
    verdict = Verdict(program)
    for rule in RULES:
        findings = rule.findings(profile, program, today)
        if rule.readiness:
            verdict.materials = findings[0] if findings else None
        else:
            verdict.findings.extend(findings)
    return verdict


def summary_for(application, program):
    """The summary for a tracked application judged under `program` (maybe an unsaved edit)."""
    return evaluate(Profile.for_application(application), program).summary


def rank(verdicts):
    return sorted(verdicts, key=Verdict.sort_key)

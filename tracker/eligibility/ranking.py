"""The outcome-only path: many programs ranked for one profile without building a finding.

The self-check ranks every open program (2,000 of them) for each new set of answers, and a
full verdict (`evaluate`: findings with their words) costs about a tenth of a millisecond per
program. `CompiledRules` keeps each verdict rule's `compile()` values of a catalog copy, the
programs grouped by equal values, so that a profile costs one `Rule.outcomes()` call per
distinct value (a few per rule; one per region where programs name their own), and that
outcome holds for the whole group. These are the outcomes full verdicts are made of, so the
summaries, priority scores and order are those of `evaluate()` and `Verdict.sort_key`;
`Ranking` judges in full only the verdicts read (the page shown).
"""

from collections import defaultdict
from collections.abc import Sequence

from tracker.eligibility.evaluation import evaluate
from tracker.eligibility.findings import (
    SUMMARY_RANK,
    Outcome,
    Standing,
    Summary,
    deadline_order,
    summary_of,
)
from tracker.eligibility.registry import verdict_rules
from tracker.models.timezones import local_date


class CompiledRules:
    """The verdict rules of `programs` as plain values; built once per catalog copy, then
    only read (threads share it).

    Programs are numbered in `deadline_order`. Each rule maps (a compiled value, a time zone)
    to the numbers of the programs with that value in that zone: an outcome may read the
    zone's date.
    """

    def __init__(self, programs):
        self.programs = tuple(sorted(programs, key=deadline_order))
        self.number = {program.pk: n for n, program in enumerate(self.programs)}
        self.zones = frozenset(program.timezone for program in self.programs)
        self.groups = []
        for rule in verdict_rules():
            groups = defaultdict(list)
            for n, program in enumerate(self.programs):
                compiled = rule.compile(program)
                if compiled is not None:
                    groups[compiled, program.timezone].append(n)
            self.groups.append((rule, [(*key, frozenset(ns)) for key, ns in groups.items()]))

    def todays(self, now=None):
        """{zone: its date at `now`}, for the programs' zones."""
        return {zone: local_date(zone, now) for zone in self.zones}

    def runs(self, profile, todays, among):
        """[(summary, priority score, program numbers in deadline order)], best first, for
        the programs numbered in `among` judged on `todays` (see `todays()`)."""
        fails, unknowns = set(), set()
        by_score = {0: set(among)}
        for rule, groups in self.groups:
            # The groups by their outcomes first: a rule gives a few distinct ones, however
            # many groups (one per region, say).
            decided = defaultdict(list)
            for compiled, zone, numbers in groups:
                decided[rule.outcomes(profile, compiled, todays[zone])].append(numbers)
            gained = defaultdict(set)
            for outcomes, sets in decided.items():
                numbers = set().union(*sets)
                if Outcome.FAIL in outcomes:
                    fails |= numbers
                if Outcome.UNKNOWN in outcomes:
                    unknowns |= numbers
                if preferred := outcomes.count(Outcome.PREFERRED):
                    gained[preferred] |= numbers
            if gained:
                by_score = _raised(by_score, gained)
        summaries = {
            Summary.ELIGIBLE: set(among) - fails - unknowns,
            Summary.INCOMPLETE: unknowns.intersection(among) - fails,
            Summary.NOT_ELIGIBLE: fails.intersection(among),
        }
        return [
            (summary, score, sorted(run))
            for summary in sorted(summaries, key=SUMMARY_RANK.__getitem__)
            for score in sorted(by_score, reverse=True)
            if (run := summaries[summary] & by_score[score])
        ]


def _raised(by_score, gained):
    """{score: program numbers} after one rule: the numbers in `gained[n]` score n more (a
    program is in one group per rule, so in one `gained` at most)."""
    raised = defaultdict(set)
    for score, numbers in by_score.items():
        rest = set(numbers)
        for n, programs in gained.items():
            if up := rest & programs:
                raised[score + n] |= up
                rest -= up
        raised[score] |= rest
    return raised


def standing(profile, program, today=None):
    """The summary and priority score of `evaluate(profile, program, today)` (a `Standing`),
    from the verdict rules' outcomes, no finding worded: a finding's words cost more than its
    outcome, and a list of applications shows only the summary."""
    today = today or program.local_today()
    outcomes = [
        outcome
        for rule in verdict_rules()
        if (compiled := rule.compile(program)) is not None
        for outcome in rule.outcomes(profile, compiled, today)
    ]
    return Standing(summary_of(outcomes), outcomes.count(Outcome.PREFERRED))


class Ranking(Sequence):
    """A profile's verdicts for the programs numbered in `among`, best first: placed by the
    outcome-only path, each judged in full only when read, and kept once judged."""

    def __init__(self, profile, rules, todays, among):
        self.profile, self.todays, self.programs = profile, todays, rules.programs
        self.runs = rules.runs(profile, todays, among)
        self.order = [n for _summary, _score, numbers in self.runs for n in numbers]
        self._verdicts = {}

    def __len__(self):
        return len(self.order)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = self.order[index]
        verdict = self._verdicts.get(n)
        if verdict is None:
            program = self.programs[n]
            verdict = evaluate(self.profile, program, self.todays[program.timezone])
            self._verdicts[n] = verdict
        return verdict

    def standings(self):
        """(program, summary, priority score) of each place, as the outcome-only path found
        them (no verdict built)."""
        return [
            (self.programs[n], summary, score)
            for summary, score, numbers in self.runs
            for n in numbers
        ]

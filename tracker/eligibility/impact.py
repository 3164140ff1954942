"""What an edit to a program's rules or dates would do to the verdicts of the firms tracking it.

The edit is judged before anything is written: the "after" program is an unsaved copy carrying the
form's values, with its related lists (regions, sectors, checklist) preloaded into Django's
prefetch cache, so rule code that reads `program.regions.all()` sees the new lists without a
query. Rule code must read those lists with `.all()`: a `.filter()` would query the database and
see the saved values.
"""

import copy
from collections import Counter
from dataclasses import dataclass

from tracker.eligibility import Profile, Summary, relations
from tracker.models import Application, Program


@dataclass(frozen=True)
class Change:
    application: Application
    before: str
    after: str


@dataclass(frozen=True)
class Impact:
    evaluated: int
    changes: list

    def transitions(self):
        """[(before, after, count)], most frequent first."""
        counts = Counter((c.before, c.after) for c in self.changes)
        return [(b, a, n) for (b, a), n in counts.most_common()]


def verdict_label(status):
    return Summary(status).label


def program_for_impact(pk):
    """The saved program with every list the rules read loaded up front, so that judging N
    applications twice costs a fixed number of queries."""
    return Program.objects.prefetch_related(*relations()).get(pk=pk)


def tracked_applications(program):
    return (
        program.applications.pursued()
        .prefetch_related(*Profile.prefetch_for_application())
        .order_by("organization__name_zh")
    )


def program_with_changes(program, values=None, **related):
    """An unsaved copy of `program` with field `values` set and related lists replaced.

    `related` maps a relation the rules read (`eligibility.relations()`) to the objects it would
    hold after the edit.
    """
    edited = copy.copy(program)
    # Derived from the relations, maybe computed on the saved program before the copy.
    edited.__dict__.pop("applicant_stages", None)
    for name, value in (values or {}).items():
        setattr(edited, name, value)
    cache = dict(getattr(program, "_prefetched_objects_cache", {}))
    for name, objects in related.items():
        # What prefetch_related itself stores: a queryset whose results are already known (a
        # fresh clone: the manager may hand back the original program's cached queryset).
        queryset = getattr(program, name).all()._chain()
        queryset._result_cache, queryset._prefetch_done = list(objects), True
        cache[name] = queryset
    edited._prefetched_objects_cache = cache
    return edited


def impact_of_change(program_before, program_after, verdict_of, applications=None):
    """Judge each tracked application under both versions; `verdict_of(application, program)`
    returns the summary status ("eligible", "not_eligible" or "incomplete")."""
    if applications is None:
        applications = tracked_applications(program_before)
    applications = list(applications)
    changes = []
    for application in applications:
        before = verdict_of(application, program_before)
        after = verdict_of(application, program_after)
        if before != after:
            changes.append(Change(application, before, after))
    return Impact(len(applications), changes)

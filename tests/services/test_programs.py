import datetime

from tracker.models import ChecklistItem, Program
from tracker.services.programs import clone_as_next_edition

D = datetime.date


def test_cloning_keeps_rules_sectors_and_checklist_but_not_dates(pilot_base):
    clone = clone_as_next_edition(pilot_base)
    assert clone.slug == "guangxi-pilot-base-2026"
    assert clone.year == 2026
    assert clone.title_zh == "2026年广西科技成果转化中试研究基地认定"
    assert (clone.opens_on, clone.deadline, clone.is_published) == (None, None, False)
    assert clone.max_co_builders == 5
    assert clone.preferred_partnership == pilot_base.preferred_partnership
    assert [s.code for s in clone.sectors_in_order()] == [
        s.code for s in pilot_base.sectors_in_order()
    ]
    assert list(clone.regions.all()) == list(pilot_base.regions.all())
    assert ChecklistItem.objects.filter(program=clone).count() == 2
    assert not clone.milestones.exists()
    assert clone.status_on(D(2026, 4, 1)) == Program.Status.DRAFT


def test_cloning_twice_gives_distinct_slugs(pilot_base):
    first, second = clone_as_next_edition(pilot_base), clone_as_next_edition(pilot_base)
    assert first.slug != second.slug

"""Reads for the calendar feeds: the dated steps of a program or of an organization's work."""

from tracker.models import Milestone


def program_milestones(program):
    return program.milestones.select_related("program")


def organization_milestones(organization):
    """The applicant dates of the published programs this organization still pursues."""
    return (
        Milestone.objects.filter(
            audience=Milestone.Audience.APPLICANT,
            program__is_published=True,
            program__applications__in=organization.applications.pursued(),
        )
        .select_related("program")
        .order_by("due_on", "pk")
    )

"""Writes on applications: tracking a program, its status, checklist ticks and co-builders."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tracker.models import Application, ChecklistTick, CoBuilder


def track(*, organization, program):
    """The organization's application for `program`, created if it does not track it yet.

    get_or_create: a double click must not end in the unique constraint's error page.
    """
    application, _created = Application.objects.get_or_create(
        organization=organization, program=program
    )
    return application


def change_status(application, status):
    if status not in Application.TRANSITIONS[application.status]:
        new = Application.Status(status).label if status in Application.Status.values else status
        raise ValidationError(
            {
                "status": ValidationError(
                    _("An application that is “%(current)s” cannot become “%(new)s”."),
                    code="status_transition",
                    params={"current": application.get_status_display(), "new": new},
                )
            }
        )
    application.status = status
    application.save(update_fields=["status", "updated_at"])


@transaction.atomic
def set_ticked_items(application, items, user):
    """Make exactly `items` (of the application's program checklist) the ticked ones."""
    ids = {item.pk for item in items}
    application.ticks.exclude(item_id__in=ids).delete()
    ChecklistTick.objects.bulk_create(
        [ChecklistTick(application=application, item_id=pk, ticked_by=user) for pk in ids],
        # Already ticked items keep their first tick (who and when).
        ignore_conflicts=True,
    )


def co_builder_limit_error(limit, count):
    return ValidationError(
        _(
            "Co-building units: at most %(limit)d are allowed for this program; "
            "this would make %(count)d."
        ),
        code="max_co_builders",
        params={"limit": limit, "count": count},
    )


def lock_and_check_co_builders(application_id, *, adding, keeping_existing=None):
    """Lock the application and refuse a co-builder count above its program's limit.

    Must run inside a transaction. The row lock (on SQLite, the write lock every IMMEDIATE
    transaction takes) makes concurrent additions take turns, and the count is read from the
    database after the lock is taken, never from the caller's objects: a view that prefetched
    the co-builders would otherwise compare the list it loaded before waiting for the lock,
    and eight concurrent requests put eight partners under a limit of five.
    `keeping_existing`: the ids of the current co-builders that stay (the admin's formset may
    delete some while adding others).
    """
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=application_id)
    )
    limit = locked.program.max_co_builders
    if limit is None:
        return
    existing = CoBuilder.objects.filter(application_id=application_id)
    if keeping_existing is not None:
        existing = existing.filter(pk__in=keeping_existing)
    count = existing.count() + adding
    if count > limit:
        raise co_builder_limit_error(limit, count)


@transaction.atomic
def add_co_builder(application, partner):
    """The one code path that adds a co-building unit outside the admin's formset."""
    if partner.pk == application.organization_id:
        raise ValidationError({"organization": CoBuilder.lead_error()})
    lock_and_check_co_builders(application.pk, adding=1)
    # Checked under the lock: a double-submitted form must get this message, not the unique
    # constraint's IntegrityError.
    if CoBuilder.objects.filter(application_id=application.pk, organization=partner).exists():
        raise ValidationError({"organization": CoBuilder.duplicate_error()})
    return CoBuilder.objects.create(application_id=application.pk, organization=partner)


def remove_co_builder(co_builder):
    co_builder.delete()

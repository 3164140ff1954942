"""Writes on applications: tracking a program, its status, checklist ticks and co-builders."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    Application,
    ChecklistTick,
    CoBuilder,
    ConditionConfirmation,
    Membership,
    Organization,
)
from tracker.notifications import partnerships
from tracker.services.organizations import credit_code_taken


def track(*, organization, program):
    """The organization's application for `program`, created if it does not track it yet.

    get_or_create: a double click must not end in the unique constraint's error page.
    """
    application, _created = Application.objects.get_or_create(
        organization=organization, program=program
    )
    return application


def _status_label(status):
    return Application.Status(status).label if status in Application.Status.values else status


def _status_error(message, code, **params):
    return ValidationError({"status": ValidationError(message, code=code, params=params)})


@transaction.atomic
def change_status(application, status, *, by_admin=False):
    """Move the application to `status`: the one path for the firm's page and the admin.

    The current status is read under the row lock, so a double-posted form or a firm and an
    administrator acting at once each see the other's result.
    """
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=application.pk)
    )
    current = locked.status
    if status not in Application.allowed_statuses(current, by_admin=by_admin):
        if not by_admin and status in Application.OUTCOMES:
            raise _status_error(
                _("Only an administrator can mark an application “%(new)s”."),
                "status_admin_only",
                new=_status_label(status),
            )
        raise _status_error(
            _("An application that is “%(current)s” cannot become “%(new)s”."),
            "status_transition",
            current=locked.get_status_display(),
            new=_status_label(status),
        )
    program = locked.program
    if (
        not by_admin
        and (current, status) in Application.BACK_TO_PREPARING_WHILE_OPEN
        and program.status_on() == program.Status.CLOSED
    ):
        raise _status_error(
            _(
                "The program stopped taking applications after %(deadline)s, so this "
                "application can no longer go back to “%(new)s”; an administrator can "
                "still reopen it."
            ),
            "status_program_closed",
            deadline=date_format(program.deadline, "DATE_FORMAT"),
            new=_status_label(status),
        )
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    application.status = status
    application.updated_at = locked.updated_at


def _lock_unsubmitted(application_id, field):
    """Lock the application and refuse when it is submitted (see `Application.LOCKED`).

    The status is read under the lock: a tick posted from a page loaded before the firm
    submitted in another tab must not slip in after the submission.
    """
    locked = Application.objects.select_for_update(of=("self",)).get(pk=application_id)
    if locked.is_locked:
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "This application is “%(status)s”: its checklist and co-building "
                        "units are locked."
                    ),
                    code="application_locked",
                    params={"status": locked.get_status_display()},
                )
            }
        )


@transaction.atomic
def set_ticked_items(application, items, user):
    """Make exactly `items` (of the application's program checklist) the ticked ones."""
    _lock_unsubmitted(application.pk, "items")
    ids = {item.pk for item in items}
    application.ticks.exclude(item_id__in=ids).delete()
    ChecklistTick.objects.bulk_create(
        [ChecklistTick(application=application, item_id=pk, ticked_by=user) for pk in ids],
        # Already ticked items keep their first tick (who and when).
        ignore_conflicts=True,
    )


@transaction.atomic
def set_confirmations(application, conditions, user):
    """Make exactly `conditions` (the program's, that the site cannot judge) the ones the
    application confirms it meets; locked with the checklist once submitted."""
    _lock_unsubmitted(application.pk, "conditions")
    application.confirmations.exclude(condition__in=conditions).delete()
    ConditionConfirmation.objects.bulk_create(
        [ConditionConfirmation(application=application, condition=c, confirmed_by=user)
         for c in conditions],
        # A condition confirmed before keeps its first confirmation (who and when).
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
def add_co_builder(application, partner, *, by=None):
    """The one code path that adds a co-building unit outside the admin's formset.

    The unit waits for the partner's owners to confirm it (they are emailed once the row is
    committed); it counts toward the limit meanwhile, being a row. When `by` is an owner of
    the partner as well, nobody else is asked: the unit is confirmed at once.
    """
    if partner.pk == application.organization_id:
        raise ValidationError({"organization": CoBuilder.lead_error()})
    _lock_unsubmitted(application.pk, "organization")
    lock_and_check_co_builders(application.pk, adding=1)
    # Checked under the lock: a double-submitted form must get this message, not the unique
    # constraint's IntegrityError.
    if CoBuilder.objects.filter(application_id=application.pk, organization=partner).exists():
        raise ValidationError({"organization": CoBuilder.duplicate_error()})
    co_builder = CoBuilder(application_id=application.pk, organization=partner, added_by=by)
    if by is not None and partner.memberships.filter(user=by, role=Membership.Role.OWNER).exists():
        co_builder.confirmed_at, co_builder.confirmed_by = timezone.now(), by
    co_builder.save()
    if co_builder.confirmed_at is None:
        transaction.on_commit(lambda: partnerships.send_request(co_builder.pk))
    return co_builder


@transaction.atomic
def add_new_partner(application, *, name_zh, kind, credit_code="", by):
    """Enter a partner organization nobody has registered yet, and add it as a co-building
    unit, in one transaction: when the unit is refused (the limit, a submitted application)
    the organization is not kept either.

    A credit code that is already registered means the organization exists: it is refused
    with that organization, so the lead picks it instead of entering a copy. The new
    organization has no owner, so its unit stays unconfirmed until someone joins it.
    """
    organization = Organization(name_zh=name_zh, kind=kind, credit_code=credit_code, added_by=by)
    organization.full_clean(exclude=["calendar_token"], validate_constraints=False)
    if credit_code_taken(organization.credit_code):
        raise _partner_exists_error(organization.credit_code)
    try:
        # A savepoint: the same code entered at the same moment by another firm loses the
        # race at the unique constraint and gets the same message, not a 500.
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        if credit_code_taken(organization.credit_code):
            raise _partner_exists_error(organization.credit_code) from None
        raise
    return add_co_builder(application, organization, by=by)


def _partner_exists_error(credit_code):
    existing = Organization.objects.get(credit_code=credit_code)
    return ValidationError(
        {
            "credit_code": ValidationError(
                _(
                    "“%(name)s” already has this unified social credit code: choose it "
                    "instead of entering the organization again."
                ),
                code="partner_credit_code_taken",
                params={"name": existing.name, "id": existing.pk},
            )
        }
    )


def _lock_co_builder(co_builder):
    """The unit again, under its application's lock: a confirm and a decline (or the lead's
    removal) posted at once must not both act on it."""
    Application.objects.select_for_update(of=("self",)).filter(pk=co_builder.application_id).get()
    return CoBuilder.objects.filter(pk=co_builder.pk).first()


@transaction.atomic
def confirm_partnership(co_builder, *, by):
    """An owner of the partner confirms the unit. Allowed whatever the application's status:
    confirming does not change which units the application names."""
    current = _lock_co_builder(co_builder)
    if current is None or current.confirmed_at is not None:
        return current  # declined or removed meanwhile, or confirmed already: nothing to do
    current.confirmed_at, current.confirmed_by = timezone.now(), by
    current.save(update_fields=["confirmed_at", "confirmed_by"])
    return current


@transaction.atomic
def decline_partnership(co_builder, *, by):
    """An owner of the partner declines: the unit is deleted (its history keeps it).

    Allowed even once the application is submitted, unlike the lead's own changes: nobody
    may be named as a partner against its word. The lead's owners are emailed, since their
    application may now name fewer units than it was handed in with.
    """
    current = _lock_co_builder(co_builder)
    if current is None:
        return
    current._change_reason = f"declined by user {by.pk}"
    current.delete()
    transaction.on_commit(
        lambda: partnerships.send_declined(current.application_id, current.organization_id)
    )


@transaction.atomic
def remove_co_builder(co_builder):
    _lock_unsubmitted(co_builder.application_id, "organization")
    co_builder.delete()

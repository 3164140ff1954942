"""Reads of applications: the firm's dashboard cards and one application's page."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.eligibility import Profile, evaluate, load_rule_lists, prefetch_for_rules
from tracker.models import Application, Attachment, ItemWork, Membership, item_done
from tracker.services.materials import ALLOWED_TYPES, FILE_TYPES, megabytes


def applications_for(user):
    """The applications `user` may see, with everything the rules and the cards read, in a
    fixed number of queries however many there are."""
    return (
        Application.objects.for_user(user)
        .select_related("organization__region", "program__authority")
        .prefetch_related(
            *Profile.prefetch_for_application(),
            *prefetch_for_rules("program__"),
            Prefetch("item_work", queryset=ItemWork.objects.select_related("owner")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            Prefetch(
                "organization__memberships",
                queryset=Membership.objects.select_related("user").order_by("user__email"),
            ),
        )
        .order_by("program__deadline", "program__slug", "organization__name_zh")
    )


def application_for(user, pk):
    """One of the user's applications, loaded for its page; 404 for anybody else's."""
    return get_object_or_404(applications_for(user), pk=pk)


def application_to_change(user, pk):
    """One of the user's applications, for an action on it; 404 for anybody else's. Without
    what the rules and the card read: the services read what they check again, under a lock."""
    queryset = Application.objects.for_user(user).select_related("organization", "program")
    return get_object_or_404(queryset, pk=pk)


def dashboard_cards(user):
    applications = list(applications_for(user))
    load_rule_lists(a.program for a in applications)
    return [card(a) for a in applications]


class Upload:
    """What the item forms tell about files: the types and size accepted."""

    accept = ",".join(FILE_TYPES)
    types = ALLOWED_TYPES

    @property
    def limit(self):
        # Read per request: tests and deployments change the setting.
        return megabytes(settings.ATTACHMENT_MAX_BYTES)


UPLOAD = Upload()


@dataclass
class ItemRow:
    """One checklist item on the card, with who prepares it by when, and its files."""

    item: object
    done: bool
    work: object  # an ItemWork, or None while nobody took the item on
    files: list
    default_due_on: object

    @property
    def owner(self):
        return self.work.owner if self.work else None

    @property
    def due_on(self):
        return self.work.due_on if self.work and self.work.due_on else self.default_due_on


@dataclass
class Materials:
    """How ready the materials are: the required items done, and the next one open."""

    done: int
    total: int
    next: ItemRow | None


def card(application):
    """What an application's card shows: the verdict (eligibility), the dates, co-builders,
    and the checklist with its readiness apart."""
    profile = Profile.for_application(application)
    program = application.program
    items = program.checklist_items.all()
    rows = item_rows(application, profile, items)
    needed, missing = profile.checklist_progress(items)
    open_rows = [rows[item.pk] for item in missing]
    return {
        "application": application,
        "program": program,
        "verdict": evaluate(profile, program),
        "days_left": program.days_left(),
        "status": program.status_on(),
        "co_builders": application.co_builders.all(),
        "items": list(rows.values()),
        "materials": Materials(
            done=len(needed) - len(missing),
            total=len(needed),
            # The open item due first is the one to chase.
            next=min(open_rows, key=lambda row: row.due_on or datetime.date.max, default=None),
        ),
        "members": [m.user for m in application.organization.memberships.all()],
        "upload": UPLOAD,
        **status_actions(application),
    }


def item_rows(application, profile, items):
    """{item id: ItemRow} from the application's prefetched work and files."""
    work = {w.item_id: w for w in application.item_work.all()}
    files = {}
    for attachment in application.attachments.all():
        files.setdefault(attachment.item_id, []).append(attachment)
    due = application.program.item_due_on()
    return {
        item.pk: ItemRow(
            item=item,
            done=item_done(item, profile.ticked_item_ids, profile.co_builders_confirmed),
            work=work.get(item.pk),
            files=files.get(item.pk, []),
            default_due_on=due,
        )
        for item in items
    }


@dataclass
class ProgramVersion:
    """Which edit of the program's record a statement was judged against: its number in the
    record's history and when it was made."""

    number: int
    changed_at: datetime.datetime | None


def statement(application, now=None):
    """The printable eligibility statement: the card's verdict and checklist, the version of
    the program record the rules read, and when it was produced."""
    history = application.program.history.aggregate(number=Count("pk"), at=Max("history_date"))
    return {
        **card(application),
        "version": ProgramVersion(history["number"], history["at"]),
        "produced_at": now or timezone.now(),
    }


Status = Application.Status
ACTION_LABELS = {
    (Status.INTERESTED, Status.PREPARING): _("Start preparing"),
    (Status.SUBMITTED, Status.PREPARING): _("Undo the submission"),
    (Status.WITHDRAWN, Status.PREPARING): _("Resume preparing"),
}


def status_actions(application):
    """The status buttons the firm's card offers.

    Submitting has its own form with the confirmation. A move back into preparation that the
    service would refuse because the program has closed is not offered; `closed_for_return`
    tells the page to say why instead.
    """
    program = application.program
    closed = program.status_on() == program.Status.CLOSED
    actions, closed_for_return = [], False
    for status in application.next_statuses:
        if status == Status.SUBMITTED:
            continue
        if closed and (application.status, status) in Application.BACK_TO_PREPARING_WHILE_OPEN:
            closed_for_return = True
            continue
        label = ACTION_LABELS.get((application.status, status))
        if label is None:
            label = _("Withdraw") if status == Status.WITHDRAWN else status.label
        actions.append((status, label))
    return {
        "can_submit": Status.SUBMITTED in application.next_statuses,
        "status_actions": actions,
        "closed_for_return": closed_for_return,
    }

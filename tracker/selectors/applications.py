"""Reads of applications: the firm's dashboard lines and one application's page."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.eligibility import Profile, evaluate, prefetch_for_rules, standing
from tracker.models import (
    Application,
    Attachment,
    ChecklistItem,
    ItemWork,
    Membership,
    item_done,
)
from tracker.selectors.programs import OpenCatalog
from tracker.services.materials import ALLOWED_TYPES, FILE_TYPES, megabytes

# Deadline first: the application due soonest is the one to work on.
DASHBOARD_ORDER = ("program__deadline", "program__slug", "organization__name_zh")


def applications_for(user):
    """The applications `user` may see, with everything the rules and the cards read, in a
    fixed number of queries however many there are."""
    return (
        Application.objects.for_user(user)
        .select_related("program__authority")
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
        .order_by(*DASHBOARD_ORDER)
    )


def application_for(user, pk):
    """One of the user's applications, loaded for its page; 404 for anybody else's."""
    return get_object_or_404(applications_for(user), pk=pk)


def application_to_change(user, pk):
    """One of the user's applications, for an action on it; 404 for anybody else's. Without
    what the rules and the card read: the services read what they check again, under a lock."""
    queryset = Application.objects.for_user(user).select_related("organization", "program")
    return get_object_or_404(queryset, pk=pk)


# What a dashboard line reads of an application and its program (a program's long texts,
# its summary and benefits, stay unread).
LINE_FIELDS = (
    "status", "organization_id", "program_id",
    *(f"program__{name}" for name in (
        "slug", "title_zh", "title_en", "is_demo", "opens_on", "deadline", "timezone",
        "max_co_builders", "item_due_days",
    )),
)


def dashboard_rows(user):
    """The dashboard's line per application, in a fixed number of queries however many there
    are: the summary of its verdict (a `Standing`: outcomes only, no finding worded), its
    dates, how far the materials are and the co-building units. What the line does not show
    (findings, forms, files) waits on the application's own page.

    The rules are read from this process's copy of the open programs (`OpenCatalog`, fresh
    by the catalog stamp) rather than loaded again for each request: 50 applications' rule
    lists (15 sectors each, regions, thresholds…) cost more than the rest of the page."""
    applications = list(
        Application.objects.for_user(user)
        .select_related("program")
        .only(*LINE_FIELDS)
        .prefetch_related(
            *Profile.prefetch_for_application(),
            Prefetch(
                "item_work", queryset=ItemWork.objects.select_related("owner"), to_attr="work_list"
            ),
        )
        .order_by(*DASHBOARD_ORDER)
    )
    program_ids = {a.program_id for a in applications}
    judged = OpenCatalog().judged(program_ids) if applications else {}
    checklists = {}
    for item in ChecklistItem.objects.filter(program__in=program_ids):
        checklists.setdefault(item.program_id, []).append(item)
    rows = []
    for application in applications:
        program = application.program
        profile = Profile.for_application(application)
        items = checklists.get(program.pk, [])
        co_builders = application.co_builder_list
        rows.append({
            "application": application,
            "program": program,
            "verdict": standing(profile, judged[program.pk]),
            "days_left": program.days_left(),
            "status": program.status_on(),
            "materials": readiness(
                profile, items, item_rows(program, profile, items, application.work_list, {})
            ),
            "co_builders": len(co_builders),
            "unconfirmed": sum(1 for c in co_builders if not c.confirmed_at),
        })
    return rows


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
    rows = item_rows(
        program, profile, items, application.item_work.all(), files_by_item(application)
    )
    return {
        "application": application,
        "program": program,
        "verdict": evaluate(profile, program),
        "days_left": program.days_left(),
        "status": program.status_on(),
        "co_builders": application.co_builder_list,
        "items": list(rows.values()),
        "materials": readiness(profile, items, rows),
        "members": [m.user for m in application.organization.memberships.all()],
        "upload": UPLOAD,
        **status_actions(application),
    }


def readiness(profile, items, rows):
    """The Materials of a checklist `items` with its `item_rows`."""
    needed, missing = profile.checklist_progress(items)
    open_rows = [rows[item.pk] for item in missing]
    return Materials(
        done=len(needed) - len(missing),
        total=len(needed),
        # The open item due first is the one to chase.
        next=min(open_rows, key=lambda row: row.due_on or datetime.date.max, default=None),
    )


def files_by_item(application):
    """{item id: [Attachment]} from the application's prefetched files."""
    files = {}
    for attachment in application.attachments.all():
        files.setdefault(attachment.item_id, []).append(attachment)
    return files


def item_rows(program, profile, items, work, files):
    """{item id: ItemRow} of a `program`'s checklist `items` from an application's `work`
    (its ItemWork) and `files_by_item`."""
    work = {w.item_id: w for w in work}
    due = program.item_due_on()
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

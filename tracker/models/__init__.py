"""The domain models, one module per concept and all importable from here.

Translatable content is stored as `<field>_zh` / `<field>_en` pairs; `localized()` picks the
reader's language and falls back to Chinese. Logic about one row lives on its model; writes that
touch several rows are in `tracker.services`, reads that pages need in `tracker.selectors`.
"""

from tracker.models.alerts import (
    AlertChannel,
    AlertDelivery,
    AlertDigest,
    AlertKind,
    AlertMessage,
    AlertPreference,
    ProgramWatch,
    SavedSearch,
)
from tracker.models.applications import (
    Application,
    Attachment,
    ChecklistTick,
    CoBuilder,
    ItemWork,
)
from tracker.models.catalog import Authority, Region, Sector
from tracker.models.checklists import ChecklistItem, checklist_progress, item_done
from tracker.models.conditions import (
    ConditionConfirmation,
    FactThreshold,
    ManualCondition,
    QualificationRequirement,
)
from tracker.models.facts import Fact, HeldQualification, OrganizationFact, Qualification
from tracker.models.milestones import Milestone
from tracker.models.organizations import (
    Claim,
    Contact,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    new_calendar_token,
)
from tracker.models.outbox import OutboxChange, OutboxRow, PlanningState, Reminder, Subscription
from tracker.models.programs import (
    CLOSING_SOON_DAYS,
    Program,
    ProgramSector,
    default_reminder_days,
)
from tracker.models.search import ListVisit, ProgramTerm
from tracker.models.timezones import ZoneTime, local_date, validate_timezone_name
from tracker.models.translated import localized
from tracker.models.versions import CatalogCopy, CatalogVersion
from tracker.models.webhooks import Webhook, validate_webhook_url

__all__ = [
    "CLOSING_SOON_DAYS",
    "AlertChannel",
    "AlertDelivery",
    "AlertDigest",
    "AlertKind",
    "AlertMessage",
    "AlertPreference",
    "SavedSearch",
    "Application",
    "Attachment",
    "Authority",
    "CatalogCopy",
    "CatalogVersion",
    "ChecklistItem",
    "ChecklistTick",
    "Claim",
    "CoBuilder",
    "ConditionConfirmation",
    "Contact",
    "Fact",
    "FactThreshold",
    "HeldQualification",
    "Invitation",
    "ItemWork",
    "ListVisit",
    "ManualCondition",
    "Membership",
    "Milestone",
    "Organization",
    "OrganizationFact",
    "OrganizationKind",
    "OutboxChange",
    "OutboxRow",
    "PlanningState",
    "Program",
    "ProgramSector",
    "ProgramTerm",
    "ProgramWatch",
    "Qualification",
    "QualificationRequirement",
    "Region",
    "Reminder",
    "Sector",
    "Subscription",
    "Webhook",
    "ZoneTime",
    "checklist_progress",
    "default_reminder_days",
    "item_done",
    "local_date",
    "localized",
    "new_calendar_token",
    "validate_timezone_name",
    "validate_webhook_url",
]

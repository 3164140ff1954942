"""django-q2 entry points, referenced by dotted path from notifications/schedules.py (a stable
public surface: queued tasks and schedule rows name these paths). One line each."""

from tracker.interchange import open_data
from tracker.notifications import alerts, digests, sending


def send_due_reminders():
    return sending.send_due()


def send_alerts():
    return alerts.sweep()


def match_organization(organization_id):
    return alerts.sweep(organization_id=organization_id)


def send_digests():
    return digests.sweep()


def write_open_data():
    return open_data.write_extract()

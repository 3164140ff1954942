"""django-q2 entry points, referenced by dotted path from schedules.py. One line each."""

from tracker import reminders


def send_due_reminders():
    return reminders.send_due()

"""Notifications: the reminder outbox and what it sends.

`planning` inserts the rows now due; `sending` claims them and hands each to a channel
(`channels/`: the seam, and email); `emails` renders reminder mails; `tokens` signs unsubscribe
links; `calendars` writes iCalendar; `schedules` keeps the django-q2 schedules that trigger the
sweep (`tracker.tasks`).
"""

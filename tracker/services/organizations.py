"""Writes on organizations."""

from tracker.models import new_calendar_token


def reset_calendar_token(organization):
    """A new feed address; the old one stops working (e.g. after it was shared by mistake)."""
    organization.calendar_token = new_calendar_token()
    organization.save(update_fields=["calendar_token"])

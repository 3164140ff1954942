"""Template context every page gets."""

from django.utils.functional import SimpleLazyObject

from tracker.selectors.alerts import unread_count


def unread_alerts(request):
    """The header's count of unread alerts: lazy, so only pages that show the header to a
    logged-in member pay its one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_alerts": SimpleLazyObject(lambda: unread_count(user))}

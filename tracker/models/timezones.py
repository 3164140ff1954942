"""Program dates are local dates: each program has its time zone (Asia/Shanghai by default)."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_timezone_name(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Shanghai."),
            code="timezone",
            params={"value": value},
        ) from exc


def local_date(zone, now=None):
    """The date in time zone `zone` at `now`: the one notion of "today" for a program's dates
    (the UTC date is a day behind Beijing's before 08:00)."""
    return timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(zone)).date()

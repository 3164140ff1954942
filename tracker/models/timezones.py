"""Program dates are local dates: each program has its time zone (Asia/Shanghai by default)."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Zones whose readers know the time by a name of its own. China has one civil time, 北京时间;
# the other mainland zone ids that tzdata still lists are links to it.
_NAMED_ZONES = {
    "Asia/Shanghai": _("Beijing time"),
    "Asia/Chongqing": _("Beijing time"),
    "Asia/Harbin": _("Beijing time"),
    "Asia/Urumqi": _("Xinjiang time"),
    "Asia/Hong_Kong": _("Hong Kong time"),
    "Asia/Macau": _("Macau time"),
    "Asia/Taipei": _("Taipei time"),
}


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


def local_dates_anywhere(now=None):
    """(earliest, latest): the dates some time zone has at `now`. Zones lie at most 14 hours
    from UTC, so these are the UTC date's neighbours; a query bounded by them needs no zone
    list, and callers judge each row on its own zone's date afterwards."""
    utc_today = (now or timezone.now()).astimezone(datetime.timezone.utc).date()
    day = datetime.timedelta(days=1)
    return utc_today - day, utc_today + day



class ZoneTime:
    """The words for a time zone in prose ("北京时间", "Beijing time", "Europe/Berlin time"), in
    the reader's language when shown (str): the one helper pages, findings and mails use, so no
    reader meets an IANA id where a name exists."""

    __slots__ = ("zone",)

    def __init__(self, zone):
        self.zone = zone

    def __str__(self):
        named = _NAMED_ZONES.get(self.zone)
        if named is not None:
            return str(named)
        return gettext("%(zone)s time") % {"zone": self.zone}

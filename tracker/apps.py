from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Policy tracker")

    def ready(self):
        from tracker import checks  # noqa: F401  (registers the system checks)
        from tracker.services import catalog, reminders, search  # noqa: F401  (connect receivers)


# The two below are named in INSTALLED_APPS; `default = False` so that Django still picks
# TrackerConfig for "tracker".
class TrackerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (tracker/admin_site.py) as `admin.site`."""

    default = False
    default_site = "tracker.admin_site.TrackerAdminSite"


class LoginThrottlingConfig(axes_apps.AppConfig):
    """django-axes under a name of its group in the admin ("Axes" is its label, which no
    catalogue translates)."""

    default = False
    verbose_name = _("Login throttling")


# django-axes ships no Chinese catalogue. Its model names head the admin's group for it; our
# catalogue (LOCALE_PATHS, consulted first) translates these msgids of axes/models.py.
gettext_noop("access attempt")
gettext_noop("access attempts")
gettext_noop("access failure")
gettext_noop("access failures")
gettext_noop("access log")
gettext_noop("access logs")

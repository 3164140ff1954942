from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Policy tracker")

    def ready(self):
        from tracker import checks  # noqa: F401  (registers the system checks)
        from tracker.services import catalog, reminders, search  # noqa: F401  (connect receivers)

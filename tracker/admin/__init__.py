"""Data entry for program administrators, one module per domain (Django's autodiscovery
imports this package, which registers them all)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tracker.admin import (  # noqa: F401
    alerts,
    applications,
    catalog,
    organizations,
    outbox,
    programs,
)

admin.site.site_header = _("Policy and deadline tracker")
admin.site.site_title = _("Policy tracker administration")
admin.site.index_title = _("Programs, firms and applications")

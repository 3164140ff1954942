"""The admin site: the app's own group first, above the infrastructure's (task queue, login
throttling, accounts), which Django would otherwise sort in among them by name.

Outside the tracker.admin package on purpose: Django imports this class while it builds
`admin.site`, and the package's modules register on `admin.site` as they are imported."""

from django.contrib import admin


class TrackerAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: app["app_label"] != "tracker")

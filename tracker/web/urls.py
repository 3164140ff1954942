from django.urls import path

from tracker.web.views import applications, feeds, organizations, programs, regions, self_check

app_name = "tracker"

urlpatterns = [
    path("", programs.index, name="index"),
    path("programs/", programs.programs, name="programs"),
    path("programs/<slug:slug>/", programs.program_detail, name="program"),
    path("programs/<slug:slug>/track/", programs.track, name="track"),
    path("programs/<slug:slug>/calendar.ics", programs.program_calendar, name="program_calendar"),
    path("calendar/<str:token>.ics", feeds.organization_calendar, name="organization_calendar"),
    path("check/", self_check.self_check, name="check"),
    path("regions/<str:code>/children/", regions.children, name="region_children"),
    path("my/", applications.dashboard, name="dashboard"),
    path("my/applications/<int:pk>/", applications.application_detail, name="application"),
    path(
        "my/applications/<int:pk>/ticks/", applications.application_ticks, name="application_ticks"
    ),
    path(
        "my/applications/<int:pk>/status/",
        applications.application_status,
        name="application_status",
    ),
    path(
        "my/applications/<int:pk>/co-builders/", applications.co_builder_add, name="co_builder_add"
    ),
    path(
        "my/applications/<int:pk>/co-builders/<int:co_builder_pk>/remove/",
        applications.co_builder_remove,
        name="co_builder_remove",
    ),
    path("my/organizations/new/", organizations.organization_new, name="organization_new"),
    path("my/organizations/<int:pk>/calendar-reset/", feeds.calendar_reset, name="calendar_reset"),
    path("unsubscribe/<str:token>/", feeds.unsubscribe, name="unsubscribe"),
]

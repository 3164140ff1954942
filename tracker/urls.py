from django.urls import path

from tracker import views

app_name = "tracker"

urlpatterns = [
    path("", views.index, name="index"),
    path("programs/", views.programs, name="programs"),
    path("programs/<slug:slug>/", views.program_detail, name="program"),
    path("programs/<slug:slug>/track/", views.track, name="track"),
    path("programs/<slug:slug>/calendar.ics", views.program_calendar, name="program_calendar"),
    path("calendar/<str:token>.ics", views.organization_calendar, name="organization_calendar"),
    path("check/", views.self_check, name="check"),
    path("my/", views.dashboard, name="dashboard"),
    path("my/applications/<int:pk>/", views.application_detail, name="application"),
    path("my/applications/<int:pk>/ticks/", views.application_ticks, name="application_ticks"),
    path("my/applications/<int:pk>/status/", views.application_status, name="application_status"),
    path("my/applications/<int:pk>/co-builders/", views.co_builder_add, name="co_builder_add"),
    path(
        "my/applications/<int:pk>/co-builders/<int:co_builder_pk>/remove/",
        views.co_builder_remove,
        name="co_builder_remove",
    ),
    path("my/organizations/<int:pk>/calendar-reset/", views.calendar_reset, name="calendar_reset"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

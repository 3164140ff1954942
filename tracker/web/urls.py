from django.urls import path, re_path

from tracker.web.views import (
    applications,
    facts,
    feeds,
    notifications,
    open_data,
    organizations,
    program_feed,
    programs,
    regions,
    reminders,
    self_check,
    webhooks,
)

app_name = "tracker"

urlpatterns = [
    path("", programs.index, name="index"),
    path("programs/", programs.programs, name="programs"),
    path("programs/feed.atom", program_feed.program_feed, name="program_feed"),
    re_path(
        r"^programs/export\.(?P<fmt>csv|xlsx)$", programs.programs_export, name="programs_export"
    ),
    re_path(r"^data/programs\.(?P<fmt>jsonl|csv)$", open_data.extract, name="open_data"),
    path("programs/<slug:slug>/", programs.program_detail, name="program"),
    path("programs/<slug:slug>/track/", programs.track, name="track"),
    path("programs/<slug:slug>/watch/", programs.watch, name="watch"),
    path("programs/<slug:slug>/calendar.ics", programs.program_calendar, name="program_calendar"),
    path("calendar/<str:token>.ics", feeds.organization_calendar, name="organization_calendar"),
    path("check/", self_check.self_check, name="check"),
    path("check/save/", self_check.save_profile, name="check_save"),
    # Six digits or nothing: anything else (a NUL byte, which PostgreSQL refuses in a text
    # comparison) never reaches the database.
    re_path(r"^regions/(?P<code>[0-9]{6})/children/$", regions.children, name="region_children"),
    path("my/", applications.dashboard, name="dashboard"),
    path("my/applications/<int:pk>/", applications.application_detail, name="application"),
    path(
        "my/applications/<int:pk>/statement/",
        applications.application_statement,
        name="application_statement",
    ),
    path(
        "my/applications/<int:pk>/ticks/", applications.application_ticks, name="application_ticks"
    ),
    path(
        "my/applications/<int:pk>/confirmations/",
        applications.application_confirmations,
        name="application_confirmations",
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
        "my/applications/<int:pk>/co-builders/new/",
        applications.co_builder_new,
        name="co_builder_new",
    ),
    path("my/partners/search/", applications.partner_search, name="partner_search"),
    re_path(
        r"^my/partnerships/(?P<pk>[0-9]+)/(?P<answer>confirm|decline)/$",
        applications.partnership_answer,
        name="partnership_answer",
    ),
    path(
        "my/applications/<int:pk>/co-builders/<int:co_builder_pk>/remove/",
        applications.co_builder_remove,
        name="co_builder_remove",
    ),
    path(
        "my/applications/<int:pk>/co-builders/<int:co_builder_pk>/invite/",
        applications.co_builder_invite,
        name="co_builder_invite",
    ),
    path(
        "my/applications/<int:pk>/items/<int:item_pk>/",
        applications.item_work,
        name="item_work",
    ),
    path(
        "my/applications/<int:pk>/files/<int:attachment_pk>/",
        applications.attachment_download,
        name="attachment",
    ),
    path(
        "my/applications/<int:pk>/files/<int:attachment_pk>/delete/",
        applications.attachment_delete,
        name="attachment_delete",
    ),
    path("my/organizations/new/", organizations.organization_new, name="organization_new"),
    path("my/organizations/claim/", organizations.claim, name="claim"),
    path("my/organizations/<int:pk>/", organizations.team_page, name="team"),
    path("my/organizations/<int:pk>/facts/", facts.organization_facts, name="organization_facts"),
    path("my/organizations/<int:pk>/invite/", organizations.invite, name="invite"),
    path("my/organizations/<int:pk>/leave/", organizations.team_leave, name="team_leave"),
    path(
        "my/organizations/<int:pk>/members/<int:membership_pk>/role/",
        organizations.member_role,
        name="member_role",
    ),
    path(
        "my/organizations/<int:pk>/members/<int:membership_pk>/remove/",
        organizations.member_remove,
        name="member_remove",
    ),
    path(
        "my/organizations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        organizations.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "my/organizations/<int:pk>/claims/<int:claim_pk>/decide/",
        organizations.claim_decide,
        name="claim_decide",
    ),
    path("my/organizations/<int:pk>/robots/", webhooks.webhooks, name="webhooks"),
    re_path(
        r"^my/organizations/(?P<pk>[0-9]+)/robots/(?P<webhook_pk>[0-9]+)/"
        r"(?P<action>enable|disable|remove|test)/$",
        webhooks.webhook_action,
        name="webhook_action",
    ),
    path("invitations/<str:token>/", organizations.invitation, name="invitation"),
    path("my/organizations/<int:pk>/calendar-reset/", feeds.calendar_reset, name="calendar_reset"),
    path("my/reminders/", reminders.reminders, name="reminders"),
    path("my/reminders/<int:pk>/", reminders.reminders_save, name="reminders_save"),
    path("my/alerts/", notifications.alert_settings, name="alerts"),
    path("my/searches/", notifications.search_save, name="search_save"),
    path("my/searches/<int:pk>/delete/", notifications.search_delete, name="search_delete"),
    path("my/notifications/", notifications.notifications, name="notifications"),
    path("my/notifications/read/", notifications.notifications_read_all, name="notifications_read"),
    path(
        "my/notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path("unsubscribe/<str:token>/", feeds.unsubscribe, name="unsubscribe"),
]

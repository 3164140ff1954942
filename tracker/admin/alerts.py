"""Alerts: the messages (read-only) and their outboxes, deliveries and digests, with "retry now"
for the failed and stuck ones, like the reminders'."""

from django.contrib import admin

from tracker.admin.outbox import OutboxRowAdmin, StuckFilter
from tracker.models import AlertDelivery, AlertDigest, AlertMessage

OUTBOX_FIELDS = [
    "status", "attempts", "next_attempt_at", "claim_token", "claimed_at", "last_error",
    "sent_at", "created_at",
]


@admin.register(AlertMessage)
class AlertMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "program", "organization", "version", "verdict", "created_at"]
    list_filter = ["kind", "verdict", ("program", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["organization__name_zh", "program__title_zh"]
    list_select_related = ["program", "organization"]
    readonly_fields = [
        "organization", "program", "application", "kind", "version", "verdict", "changes",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(OutboxRowAdmin):
    list_display = [
        "id", "user", "webhook", "channel", "message", "status_flag", "attempts", "next_attempt_at",
        "sent_at", "read_at", "short_error",
    ]
    list_filter = ["channel", "status", StuckFilter, "sent_at"]
    search_fields = ["user__email", "webhook__name", "message__organization__name_zh"]
    list_select_related = ["user", "webhook", "message"]
    readonly_fields = ["message", "user", "webhook", "channel", "read_at", *OUTBOX_FIELDS]


@admin.register(AlertDigest)
class AlertDigestAdmin(OutboxRowAdmin):
    list_display = [
        "id", "user", "frequency", "period", "status_flag", "attempts", "sent_at", "short_error",
    ]
    list_filter = ["frequency", "status", StuckFilter, "period"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "frequency", "period", "since", "until", *OUTBOX_FIELDS]

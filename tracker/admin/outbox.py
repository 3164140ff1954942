"""The outboxes, read-only like a log (reminders here, alerts in `admin.alerts`), and the
subscriptions of recommending bureaus."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tracker.models import Reminder, Subscription, Webhook
from tracker.notifications import sending


class StuckFilter(admin.SimpleListFilter):
    title = _("lease")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", _("Stuck in sending past the lease"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.stuck(timezone.now())
        return queryset


class ChannelFilter(admin.SimpleListFilter):
    title = _("channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return [("email", _("Email")), ("webhook", _("Group robot"))]

    def queryset(self, request, queryset):
        if self.value() in ("email", "webhook"):
            return queryset.filter(webhook__isnull=self.value() == "email")
        return queryset


class OutboxRowAdmin(admin.ModelAdmin):
    """Read-only, like a log, for any outbox table (reminders, alert deliveries, digests):
    rows change only through planning, sending and "retry now"."""

    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @admin.display(description=_("status"), ordering="status")
    def status_flag(self, obj):
        if obj.is_stuck(timezone.now()):
            return _("STUCK: sending since %(time)s") % {
                "time": timezone.localtime(obj.claimed_at).strftime("%Y-%m-%d %H:%M")
            }
        return obj.get_status_display()

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Retry now (failed, or stuck and checked)"), permissions=["retry"])
    def retry_now(self, request, queryset):
        count = sending.retry_now(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again.", "%(count)d messages queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Reminder)
class ReminderAdmin(OutboxRowAdmin):
    list_display = [
        "id", "recipient", "milestone", "lead", "version", "status_flag", "attempts",
        "next_attempt_at", "sent_at", "short_error",
    ]
    list_filter = [
        "status", StuckFilter, ChannelFilter,
        ("milestone__program", admin.RelatedOnlyFieldListFilter), "next_attempt_at", "sent_at",
    ]
    date_hierarchy = "created_at"
    search_fields = ["contact__email", "subscription__email", "webhook__name", "recipient_key"]
    list_select_related = ["milestone", "contact", "subscription", "webhook"]
    readonly_fields = [
        "milestone", "application", "contact", "subscription", "webhook", "recipient_key",
        "lead_days", "version", "due_on", "status", "attempts", "next_attempt_at", "claim_token",
        "claimed_at", "last_error", "sent_at", "created_at",
    ]

    @admin.display(description=_("to"))
    def recipient(self, obj):
        return obj.address

    @admin.display(description=_("lead"), ordering="lead_days")
    def lead(self, obj):
        return _("date changed") if obj.is_change_notice else obj.lead_days


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "audience", "language", "unsubscribed_at", "created_at"]
    list_filter = ["audience", "language", ("program", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email"]
    list_select_related = ["program"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Firms' owners add their robots on their team pages; here an administrator can see them
    and switch one off. The address's key and the signing secret are credentials of the firm's
    chat group: shown masked, never in full."""

    list_display = ["__str__", "kind", "organization", "masked_url", "enabled", "created_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "organization__name_zh", "organization__name_en"]
    list_select_related = ["organization"]
    fields = ["organization", "kind", "name", "masked_url", "masked_secret", "language",
              "enabled", "created_at"]
    readonly_fields = ["organization", "kind", "name", "masked_url", "masked_secret", "language",
                       "created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("webhook address"))
    def masked_url(self, obj):
        return obj.masked_url

    @admin.display(description=_("signing secret"))
    def masked_secret(self, obj):
        return obj.masked_secret

"""The alerts' outboxes in the admin: read-only, a failed delivery queued again by hand."""

from django.urls import reverse

from tests.factories import opt_in
from tracker.models import AlertDelivery
from tracker.notifications import alerts


def test_a_failed_alert_mail_is_listed_and_queued_again(
    admin_client, other_firm_user, pilot_base, call_open
):
    opt_in(other_firm_user)
    alerts.match_changed()
    email = AlertDelivery.objects.get(channel="email")
    AlertDelivery.objects.filter(pk=email.pk).update(status="failed", last_error="550 no such user")
    url = reverse("admin:tracker_alertdelivery_changelist")

    page = admin_client.get(url + "?status=failed")
    assert "550 no such user" in page.content.decode()
    assert admin_client.get(reverse("admin:tracker_alertdelivery_add")).status_code == 403
    response = admin_client.post(url, {"action": "retry_now", "_selected_action": [email.pk]})
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 0)
    assert admin_client.get(reverse("admin:tracker_alertmessage_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:tracker_alertdigest_changelist")).status_code == 200

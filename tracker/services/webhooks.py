"""Writes on an organization's group robots (WeCom and DingTalk webhooks). Only its owners
manage them: a robot's address carries the credential of the firm's chat group."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tracker.models import Webhook
from tracker.notifications.channels.webhook import Message, post
from tracker.services.organizations import require_owner

TEST_TITLE = _("Test message from the policy tracker")
TEST_TEXT = _(
    "This group will receive the deadline reminders of %(organization)s here. Nothing else to do."
)


@transaction.atomic
def add_webhook(*, organization, user, kind, url, name="", secret="", language="zh-hans"):
    """A new robot for `organization`, enabled. The address is validated by the model (the
    robots' own hosts only); a robot added twice is refused on the address."""
    require_owner(organization, user)
    webhook = Webhook(
        organization=organization, kind=kind, url=url.strip(), name=name.strip(),
        secret=secret.strip(), language=language,
    )
    webhook.full_clean(exclude=["organization"], validate_constraints=False)
    if Webhook.objects.filter(organization=organization, url=webhook.url).exists():
        raise _taken()
    try:
        with transaction.atomic():
            webhook.save()
    except IntegrityError:  # the same address added at the same moment by another owner
        raise _taken() from None
    return webhook


def _taken():
    return ValidationError(
        {"url": ValidationError(
            _("This organization has this robot already."), code="webhook_taken"
        )}
    )


def set_enabled(*, webhook, user, enabled):
    """Switch a robot on or off. Its pending reminders are cancelled by the next planning run
    while it is off (planning.READER_STILL_WANTS)."""
    require_owner(webhook.organization, user)
    Webhook.objects.filter(pk=webhook.pk).update(enabled=enabled)


def remove_webhook(*, webhook, user):
    require_owner(webhook.organization, user)
    webhook.delete()


def send_test(*, webhook, user):
    """Post a test message to the robot now, in the request: the owner sees at once whether the
    address (and DingTalk's secret) work. Raises PermanentFailure or a network error."""
    require_owner(webhook.organization, user)
    with translation.override(webhook.language):
        message = Message(
            str(TEST_TITLE),
            str(TEST_TEXT) % {"organization": webhook.organization},
            settings.SITE_URL + reverse("tracker:webhooks", args=[webhook.organization_id]),
        )
    post(webhook, message)


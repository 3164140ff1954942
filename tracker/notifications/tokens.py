"""Signed unsubscribe links: the token is the credential, so the link works without a login
(RFC 8058 one-click unsubscribes come from mail clients that have none)."""

from django.core import signing
from django.utils import timezone

from tracker.models import Contact, Reminder, Subscription

UNSUBSCRIBE_SALT = "tracker.unsubscribe"


def unsubscribe_token(recipient_key):
    # One token per reader, not per mail: every link a reader holds does the same thing.
    return signing.dumps(recipient_key, salt=UNSUBSCRIBE_SALT)


def reader_for_token(token):
    """The Contact or Subscription a signed token names; None if forged or deleted."""
    try:
        key = str(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except signing.BadSignature:
        return None
    model = {"c": Contact, "s": Subscription}.get(key[:1])
    if model is None or not key[1:].isdigit():
        return None
    return model.objects.filter(pk=int(key[1:])).first()


def unsubscribe(reader, now=None):
    """Unsubscribe once: True the first time, False if it was already done (even concurrently)."""
    changed = type(reader).objects.filter(pk=reader.pk, unsubscribed_at=None).update(
        unsubscribed_at=now or timezone.now()
    )
    if changed:
        Reminder.objects.filter(
            status=Reminder.Status.PENDING, recipient_key=Reminder.key_for(reader)
        ).update(status=Reminder.Status.CANCELLED)
    return bool(changed)

"""Signed links whose token is the credential.

Unsubscribe links work without a login (RFC 8058 one-click unsubscribes come from mail clients
that have none). Invitation links carry the invitation's id signed with a timestamp, so a link
stops working after INVITATION_MAX_AGE even before the row's own `expires_at` is checked.
"""

from django.core import signing
from django.utils import timezone

from tracker.models import Contact, Reminder, Subscription

UNSUBSCRIBE_SALT = "tracker.unsubscribe"
INVITATION_SALT = "tracker.invitation"


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


def invitation_token(invitation):
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_pk(token, max_age):
    """The invitation id a token carries. Raises signing.SignatureExpired when older than
    `max_age` seconds, signing.BadSignature when forged."""
    pk = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    if not isinstance(pk, int):
        raise signing.BadSignature("not an invitation id")
    return pk

"""Writes on members' reminder settings: a Contact row with `user` set, one per organization.

Turning reminders off sets `unsubscribed_at`, exactly what the unsubscribe link in a mail does,
so the settings page and the link agree; turning them on clears it.

The member's row keeps the address of their account: rewritten from `user.email` whenever the
member saves their setting, and when they change their primary address (allauth's
`email_changed`). Stored rather than read at send time because the row's address is also what
the admin shows, the unique key (organization, email) holds, and the sending path reads.
"""

from allauth.account.signals import email_changed
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tracker.models import Contact, Membership
from tracker.notifications.tokens import unsubscribe

NOT_A_MEMBER = _("Only members of %(organization)s can choose its reminders.")
NO_ADDRESS = _("Your account has no email address to send reminders to.")
UNKNOWN_LANGUAGE = _("Choose one of the languages offered: %(languages)s.")


@transaction.atomic
def set_reminders(user, organization, *, receive, language):
    """Whether `user` receives `organization`'s reminders, and in which language.

    Returns the member's Contact row. Turning reminders off cancels the mails already planned
    for the member, as the unsubscribe link does.
    """
    if not Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError(
            {"organization": ValidationError(
                NOT_A_MEMBER, code="not_a_member", params={"organization": organization}
            )}
        )
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        raise ValidationError(
            {"language": ValidationError(
                UNKNOWN_LANGUAGE, code="language", params={"languages": ", ".join(codes)}
            )}
        )
    contact = _member_contact(user, organization)
    contact.language = language
    if receive:
        contact.unsubscribed_at = None
        contact.save()
    else:
        contact.save()
        unsubscribe(contact)
        contact.refresh_from_db(fields=["unsubscribed_at"])
    return contact


@transaction.atomic
def default_on_for_owner(membership, *, language=None):
    """Reminders on for someone who just became an owner, unless they chose already.

    Call it wherever a membership becomes an owner's (registering an organization, accepting an
    owner's invitation, an approved claim, a role change). A member who turned reminders off
    keeps them off; an account without an address gets no row. Returns the row, or None.
    `language` defaults to the language the owner is using the site in.
    """
    if membership.role != Membership.Role.OWNER or not membership.user.email:
        return None
    existing = Contact.objects.filter(
        user=membership.user, organization=membership.organization
    ).first()
    if existing is not None:
        return existing
    contact = _member_contact(membership.user, membership.organization)
    contact.language = language or _active_language()
    contact.unsubscribed_at = None
    contact.save()
    return contact


def _active_language():
    codes = [code for code, _name in settings.LANGUAGES]
    active = translation.get_language()
    return active if active in codes else settings.LANGUAGE_CODE


def _member_contact(user, organization):
    """The member's row (unsaved if new), with the account's address.

    An administrator may have entered the member's address as the organization's contact
    before they joined: that row becomes theirs (the unique key allows one row per address),
    so the person gets one mail, not two.
    """
    if not user.email:
        raise ValidationError({"receive": ValidationError(NO_ADDRESS, code="no_email")})
    rows = Contact.objects.select_for_update().filter(organization=organization)
    contact = (
        rows.filter(user=user).first()
        or rows.filter(user=None, email__iexact=user.email).first()
        or Contact(organization=organization)
    )
    if contact.user_id is not None:
        # Their address changed since the row was written: a fallback row holding the new one
        # would collide with it on the unique key, and only repeat what this row sends.
        rows.filter(user=None, email__iexact=user.email).delete()
    contact.user = user
    contact.email = user.email
    return contact


@receiver(email_changed)
def follow_the_new_address(sender, user, to_email_address, **kwargs):
    """A member who changes their primary address gets reminders at the new one."""
    with transaction.atomic():
        mine = Contact.objects.filter(user=user)
        Contact.objects.filter(
            user=None,
            email__iexact=to_email_address.email,
            organization__in=mine.values("organization"),
        ).delete()
        mine.update(email=to_email_address.email)


@receiver(post_delete, sender=Membership)
def stop_reminders_of_a_leaving_member(sender, instance, **kwargs):
    """Someone who leaves an organization stops getting its mail, whichever path removed the
    membership (the admin, the team page, a deleted organization): a signal rather than one
    service so no path forgets it. The row goes with its outbox rows (the foreign key
    cascades), so nothing planned for them is left to send; the planner then treats the
    organization as it now is (its fallback address may receive again)."""
    Contact.objects.filter(organization=instance.organization_id, user=instance.user_id).delete()

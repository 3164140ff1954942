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
from django.db.models import Q
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
    codes = _language_codes()
    if language not in codes:
        raise ValidationError(
            {"language": ValidationError(
                UNKNOWN_LANGUAGE, code="language", params={"languages": ", ".join(codes)}
            )}
        )
    contact, _chosen = _member_contact(user, organization)
    contact.language = language
    if receive:
        contact.unsubscribed_at = None
    contact.save()
    if not receive and unsubscribe(contact):
        contact.refresh_from_db(fields=["unsubscribed_at"])
    return contact


# No savepoint: callers (create_organization) are inside their own transaction already, and
# a failure here fails the whole change they make.
@transaction.atomic(savepoint=False)
def default_on_for_owner(membership, *, language=None):
    """Reminders on for someone who just became an owner, unless they chose already.

    Call it wherever a membership becomes an owner's (registering an organization, accepting an
    owner's invitation, an approved claim, a role change). A member who turned reminders off
    keeps them off; an account without an address gets no row. Returns the row, or None.
    `language` defaults to the language the owner is using the site in.
    """
    if membership.role != Membership.Role.OWNER or not membership.user.email:
        return None
    contact, chosen = _member_contact(membership.user, membership.organization)
    if not chosen:
        contact.language = language or _active_language()
        contact.unsubscribed_at = None
        contact.save()
    return contact


def _language_codes():
    return [code for code, _name in settings.LANGUAGES]


def _active_language():
    active = translation.get_language()
    return active if active in _language_codes() else settings.LANGUAGE_CODE


def _member_contact(user, organization):
    """(the member's row with the account's address, unsaved if new; whether the member had a
    row already, i.e. has chosen), in one query.

    An administrator may have entered the member's address as the organization's contact
    before they joined: that row becomes theirs (the unique key allows one row per address),
    so the person gets one mail, not two. Should the member have a row of their own already
    (their address changed since), that fallback row would collide with it on the unique key
    and only repeat what it sends: it goes.
    """
    if not user.email:
        raise ValidationError({"receive": ValidationError(NO_ADDRESS, code="no_email")})
    found = list(
        Contact.objects.select_for_update().filter(
            Q(user=user) | Q(user=None, email__iexact=user.email), organization=organization
        )
    )
    mine = next((contact for contact in found if contact.user_id == user.pk), None)
    entered = next((contact for contact in found if contact.user_id is None), None)
    if mine is not None and entered is not None:
        entered.delete()
    contact = mine or entered or Contact(organization=organization)
    contact.user = user
    contact.email = user.email
    return contact, mine is not None


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

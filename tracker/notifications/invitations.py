"""The mail that invites someone to an organization's team: subject, plain text and HTML from
templates, in the language the inviter was using."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tracker.notifications.emails import header_text
from tracker.notifications.tokens import invitation_token

TEMPLATES = "tracker/emails/invitation"


def invitation_url(invitation):
    return settings.SITE_URL + reverse("tracker:invitation", args=[invitation_token(invitation)])


def invitation_message(invitation, language):
    with translation.override(language):
        ctx = {
            "invitation": invitation,
            "organization_name": header_text(invitation.organization.name),
            "inviter": invitation.invited_by.email if invitation.invited_by else "",
            "role": invitation.get_role_display(),
            "url": invitation_url(invitation),
        }
        message = EmailMultiAlternatives(
            header_text(render_to_string(f"{TEMPLATES}-subject.txt", ctx), limit=200),
            render_to_string(f"{TEMPLATES}-body.txt", ctx),
            to=[invitation.email],
        )
        message.attach_alternative(render_to_string(f"{TEMPLATES}-body.html", ctx), "text/html")
    return message


def send_invitation(invitation, language):
    invitation_message(invitation, language).send()

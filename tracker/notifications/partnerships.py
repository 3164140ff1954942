"""Emails about co-building units: the partner's owners are asked to confirm, the lead's
owners hear when a partner declines.

Sent from `transaction.on_commit` in the request that made the change, so in that request's
language. A mail server that refuses is logged, not raised: the change is committed by then,
and the partner still sees the request on its dashboard.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from tracker.models import Application, CoBuilder, Membership, Organization
from tracker.notifications.emails import header_text

logger = logging.getLogger(__name__)


def owner_emails(organization_id):
    return list(
        Membership.objects.filter(organization_id=organization_id, role=Membership.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _send(name, to, ctx):
    """One message per owner: the owners of one organization need not see each other's
    addresses."""
    subject = header_text(render_to_string(f"tracker/emails/{name}-subject.txt", ctx))
    body = render_to_string(f"tracker/emails/{name}-body.txt", ctx)
    for address in to:
        try:
            EmailMessage(subject, body, to=[address]).send()
        except Exception:
            logger.exception("could not send %s to %s", name, address)


def send_request(co_builder_id):
    """Ask the partner's owners to confirm the unit (nobody, if it has no owner yet)."""
    co_builder = (
        CoBuilder.objects.select_related(
            "organization", "application__organization", "application__program"
        )
        .filter(pk=co_builder_id, confirmed_at=None)
        .first()
    )
    if co_builder is None:
        return
    ctx = {
        "lead": co_builder.application.organization.name,
        "partner": co_builder.organization.name,
        "program": co_builder.application.program.title,
        "url": settings.SITE_URL + reverse("tracker:dashboard") + "#partnership-requests",
    }
    _send("partnership-request", owner_emails(co_builder.organization_id), ctx)


def send_declined(application_id, partner_id):
    """Tell the lead's owners that `partner` declined to be a unit of their application."""
    application = Application.objects.select_related("organization", "program").get(
        pk=application_id
    )
    ctx = {
        "partner": Organization.objects.get(pk=partner_id).name,
        "program": application.program.title,
        "submitted": application.is_locked,
        "url": settings.SITE_URL + reverse("tracker:application", args=[application.pk]),
    }
    _send("partnership-declined", owner_emails(application.organization_id), ctx)

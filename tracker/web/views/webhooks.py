"""An organization's group robots (WeCom and DingTalk webhooks), beside its team page: members
see them, owners add, switch off, remove and test them. Anyone else gets a 404."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tracker.notifications.channels.base import PermanentFailure
from tracker.selectors.organizations import team_organization
from tracker.services import organizations as organization_services
from tracker.services import webhooks as services
from tracker.web.forms import WebhookForm
from tracker.web.views.responses import private_page

logger = logging.getLogger(__name__)


@private_page
@login_required
def webhooks(request, pk):
    organization = team_organization(request.user, pk)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.add_webhook(
                organization=organization, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # not an owner
                messages.error(request, " ".join(exc.messages))
                return redirect("tracker:webhooks", organization.pk)
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(robot)s was added. Send a test message to check it.") % {"robot": webhook},
            )
            return redirect("tracker:webhooks", organization.pk)
    ctx = {
        "organization": organization,
        "webhooks": list(organization.webhooks.all()),
        "is_owner": organization_services.is_owner(request.user, organization),
        "form": form,
    }
    return render(request, "tracker/webhooks.html", ctx, status=400 if form.errors else 200)


ACTIONS = {
    "enable": (
        lambda webhook, user: services.set_enabled(webhook=webhook, user=user, enabled=True),
        gettext_lazy("%(robot)s is on again."),
    ),
    "disable": (
        lambda webhook, user: services.set_enabled(webhook=webhook, user=user, enabled=False),
        gettext_lazy("%(robot)s is off: it receives nothing until you switch it on."),
    ),
    "remove": (
        lambda webhook, user: services.remove_webhook(webhook=webhook, user=user),
        gettext_lazy("%(robot)s was removed."),
    ),
    "test": (
        lambda webhook, user: services.send_test(webhook=webhook, user=user),
        gettext_lazy("A test message was sent to %(robot)s: check the group."),
    ),
}


@private_page
@login_required
@require_POST
def webhook_action(request, pk, webhook_pk, action):
    organization = team_organization(request.user, pk)
    webhook = get_object_or_404(organization.webhooks, pk=webhook_pk)
    run, success = ACTIONS[action]
    try:
        run(webhook, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermanentFailure as exc:
        messages.error(request, _("The robot refused the message: %(reason)s") % {
            "reason": exc
        })
    except Exception as exc:  # a timeout, a 5xx, a busy robot: the request itself must not fail
        logger.warning("Test message to webhook %s failed: %r", webhook.pk, exc)
        messages.error(
            request,
            _("The robot could not be reached (%(reason)s). Try again in a few minutes.")
            % {"reason": type(exc).__name__},
        )
    else:
        messages.success(request, success % {"robot": webhook})
    return redirect("tracker:webhooks", organization.pk)

"""The notification centre (站内信) and each member's choice of alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.selectors.alerts import notifications as notification_list
from tracker.selectors.alerts import preferences
from tracker.services.alerts import mark_all_read, mark_read, set_preferences
from tracker.web.forms import AlertPreferencesForm
from tracker.web.views.responses import private_page


@private_page
@login_required
def notifications(request):
    ctx = {"rows": notification_list(request.user, translation.get_language())}
    return render(request, "tracker/notifications.html", ctx)


@private_page
@login_required
@require_POST
def notification_read(request, pk):
    if not mark_read(request.user, pk):
        raise Http404
    return redirect("tracker:notifications")


@private_page
@login_required
@require_POST
def notifications_read_all(request):
    mark_all_read(request.user)
    return redirect("tracker:notifications")


@private_page
@login_required
def alert_settings(request):
    form = AlertPreferencesForm(request.POST or None, initial=preferences(request.user))
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationError(form.errors)
            set_preferences(request.user, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _("Your alerts were not changed: %(errors)s")
                           % {"errors": " ".join(exc.messages)})
        else:
            messages.success(request, _("Your alert settings are saved."))
            return redirect("tracker:alerts")
    return render(request, "tracker/alert_settings.html", {"form": form})

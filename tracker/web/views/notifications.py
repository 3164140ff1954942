"""The notification centre (站内信) and each member's choice of alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.models import SavedSearch
from tracker.selectors.alerts import notifications as notification_list
from tracker.selectors.alerts import preferences, saved_searches
from tracker.services.alerts import (
    delete_search,
    mark_all_read,
    mark_read,
    save_search,
    search_querystring,
    set_preferences,
)
from tracker.web.forms import AlertPreferencesForm, SavedSearchForm
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
    ctx = {"form": form, "searches": saved_searches(request.user),
           "search_limit": SavedSearch.LIMIT, "programs_url": reverse("tracker:programs")}
    return render(request, "tracker/alert_settings.html", ctx)


@private_page
@login_required
@require_POST
def search_save(request):
    """Keep the program list's filters (sent from its page) as a saved search, then back to
    that list."""
    form = SavedSearchForm(request.POST, user=request.user)
    querystring = search_querystring(request.POST.get("querystring", ""))
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        search = save_search(user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _("The search was not saved: %(errors)s")
                       % {"errors": " ".join(exc.messages)})
    else:
        messages.success(request, _("Search “%(name)s” saved: you will be told when a new "
                                    "program matches it.") % {"name": search.name})
        querystring = search.querystring
    return redirect(reverse("tracker:programs") + (f"?{querystring}" if querystring else ""))


@private_page
@login_required
@require_POST
def search_delete(request, pk):
    if not delete_search(user=request.user, search_id=pk):
        raise Http404
    messages.success(request, _("The saved search is deleted."))
    return redirect("tracker:alerts")

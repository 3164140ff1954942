"""A firm registering its own organization."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tracker.services.organizations import create_organization
from tracker.web.forms import OrganizationForm
from tracker.web.views.responses import private_page


@private_page
@login_required
def organization_new(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = create_organization(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(organization)s is registered, with you as its owner. You can now track "
                  "programs for it.") % {"organization": organization},
            )
            return redirect("tracker:dashboard")
    return render(request, "tracker/organization_new.html", {"form": form})

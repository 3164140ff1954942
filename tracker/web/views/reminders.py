"""A member's reminder settings: for each of their organizations, whether and in which
language they receive its reminder mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.selectors.organizations import member_organizations
from tracker.selectors.reminders import reminder_settings
from tracker.services.reminders import set_reminders
from tracker.web.forms import ReminderSettingsForm
from tracker.web.views.responses import private_page


@private_page
@login_required
def reminders(request):
    rows = [
        {"organization": organization,
         "form": ReminderSettingsForm.for_contact(organization, contact)}
        for organization, contact in reminder_settings(request.user)
    ]
    return render(request, "tracker/reminders.html", {"rows": rows})


@private_page
@login_required
@require_POST
def reminders_save(request, pk):
    organization = get_object_or_404(member_organizations(request.user), pk=pk)
    form = ReminderSettingsForm(request.POST, prefix=ReminderSettingsForm.prefix_for(organization))
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        contact = set_reminders(request.user, organization, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(
            request,
            _("The reminders of %(organization)s were not changed: %(errors)s")
            % {"organization": organization, "errors": " ".join(exc.messages)},
        )
    else:
        if contact.unsubscribed_at is None:
            text = _("You receive the reminders of %(organization)s, in %(language)s.") % {
                "organization": organization, "language": contact.get_language_display(),
            }
        else:
            text = _("You no longer receive the reminders of %(organization)s.") % {
                "organization": organization
            }
        messages.success(request, text)
    return redirect("tracker:reminders")

"""The anonymous self-check ("policy calculator"): a profile against every open program."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.selectors.programs import OpenCatalog
from tracker.services.organizations import save_organization_profile
from tracker.web.forms import SaveProfileForm, SelfCheckForm
from tracker.web.views.responses import private_page

SELF_CHECK_PAGE_SIZE = 20


def self_check(request):
    # The open programs' rules decide which questions are asked.
    catalog = OpenCatalog()
    form = SelfCheckForm(
        request.GET or None, counts=catalog.questions(), choices=catalog.choices()
    )
    ctx = {"form": form, "page": None}
    if form.is_valid():
        profile = form.profile()
        # Every open program is judged (the ranking needs them all); one page is shown.
        verdicts = catalog.ranking(profile)
        query = request.GET.copy()
        query.pop("page", None)
        ctx["page"] = Paginator(verdicts, SELF_CHECK_PAGE_SIZE).get_page(request.GET.get("page"))
        ctx["query"] = query.urlencode()
        if request.user.is_authenticated:
            # Saving needs the answers again: they travel as hidden fields of the save form.
            ctx["save_form"] = SaveProfileForm(request.user)
            ctx["answers"] = [(k, v) for k, values in query.lists() for v in values]
    return render(request, "tracker/self_check.html", ctx)


@private_page
@login_required
@require_POST
def save_profile(request):
    """The answers of a self-check become the profile of one of the member's organizations."""
    answers = SelfCheckForm(request.POST)
    form = SaveProfileForm(request.user, request.POST)
    back = reverse("tracker:check") + "?" + _answers_query(request.POST)
    if not (answers.is_valid() and form.is_valid()):
        errors = [e for f in (answers, form) for es in f.errors.values() for e in es]
        messages.error(request, _("The profile was not saved: %(errors)s")
                       % {"errors": " ".join(errors)})
        return redirect(back)
    organization = form.cleaned_data["organization"]
    save_organization_profile(
        request.user, organization, profile=answers.profile(),
        alerts=form.cleaned_data["alerts"],
    )
    messages.success(request, _("The answers are saved as the profile of %(organization)s.")
                     % {"organization": organization})
    return redirect(back)


def _answers_query(data):
    """The self-check's own fields of `data`, as its query string."""
    query = QueryDict(mutable=True)
    for name in SelfCheckForm.base_fields:
        for key in (name, f"{name}_province", f"{name}_city", f"{name}_county"):
            if key in data:
                query.setlist(key, data.getlist(key))
    return query.urlencode()

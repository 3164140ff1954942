"""The anonymous self-check ("policy calculator"): a profile against every open program."""

from django.core.paginator import Paginator
from django.shortcuts import render

from tracker.selectors.programs import self_check_ranking
from tracker.web.forms import SelfCheckForm

SELF_CHECK_PAGE_SIZE = 20


def self_check(request):
    form = SelfCheckForm(request.GET or None)
    ctx = {"form": form, "page": None}
    if form.is_valid():
        profile = form.profile()
        # Every open program is judged (the ranking needs them all); one page is shown.
        verdicts = self_check_ranking(profile)
        query = request.GET.copy()
        query.pop("page", None)
        ctx["page"] = Paginator(verdicts, SELF_CHECK_PAGE_SIZE).get_page(request.GET.get("page"))
        ctx["query"] = query.urlencode()
    return render(request, "tracker/self_check.html", ctx)

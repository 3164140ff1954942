"""The anonymous self-check ("policy calculator"): a profile against every open program."""

from django.core.paginator import Paginator
from django.shortcuts import render

from tracker.eligibility import evaluate, question_counts, rank
from tracker.selectors.programs import self_check_candidates
from tracker.web.forms import SelfCheckForm

SELF_CHECK_PAGE_SIZE = 20


def self_check(request):
    # The open programs are loaded first: their rules decide which questions are asked.
    programs = self_check_candidates()
    form = SelfCheckForm(request.GET or None, counts=question_counts(programs))
    ctx = {"form": form, "page": None}
    if form.is_valid():
        profile = form.profile()
        # Every open program is evaluated (the ranking needs them all); one page is shown.
        verdicts = rank(evaluate(profile, program) for program in programs)
        query = request.GET.copy()
        query.pop("page", None)
        ctx["page"] = Paginator(verdicts, SELF_CHECK_PAGE_SIZE).get_page(request.GET.get("page"))
        ctx["query"] = query.urlencode()
    return render(request, "tracker/self_check.html", ctx)

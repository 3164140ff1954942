"""The Atom feed of newly published and changed programs, for the whole catalog or for any
state of the program list (the same query string)."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from tracker.selectors.programs import changed_programs
from tracker.web.forms import ProgramFilterForm, form_errors_text
from tracker.web.views.responses import PLAIN_TEXT

FEED_LENGTH = 50


class ProgramFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        return request

    def title(self, request):
        words = request.GET.get("q", "").strip()
        if words:
            return _("Support programs matching “%(words)s”: new and changed") % {"words": words}
        return _("Support programs: new and changed")

    def subtitle(self, request):
        return _("Programs as they are published or updated, newest first.")

    def link(self, request):
        query = request.GET.urlencode()
        return reverse("tracker:programs") + (f"?{query}" if query else "")

    def items(self, request):
        return changed_programs(request.filters, limit=FEED_LENGTH)

    def item_title(self, program):
        return program.title

    def item_description(self, program):
        return program.summary

    def item_link(self, program):
        return reverse("tracker:program", args=[program.slug])

    def item_author_name(self, program):
        return str(program.authority)

    def item_pubdate(self, program):
        return program.published_at

    def item_updateddate(self, program):
        return program.updated_at


def program_feed(request):
    """A bad filter is a 400 naming the field, as the list page names it."""
    form = ProgramFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(form_errors_text(form), content_type=PLAIN_TEXT)
    request.filters = form.cleaned_data if form.is_bound else {}
    return ProgramFeed()(request)

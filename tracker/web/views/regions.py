"""The divisions under one division, for the cascading pickers (static/tracker/regions.js)."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tracker.selectors.regions import region_children


# The list changes only when a new edition of the division codes is loaded; the answer is the
# same for every reader (both languages' names), so any cache may keep it for a day.
@cache_control(public=True, max_age=24 * 60 * 60)
@require_GET
def children(request, code):
    return JsonResponse({"children": region_children(code)})

"""The administrative divisions, as the cascading pickers read them."""

from django.shortcuts import get_object_or_404

from tracker.models import Region


def region_children(code):
    """The divisions directly under `code`, in code order; 404 for a code that is none."""
    region = get_object_or_404(Region, code=code)
    return list(region.children.order_by("code").values("code", "name_zh", "name_en", "level"))

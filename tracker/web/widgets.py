"""Form widgets of the site's own."""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from tracker.models import Region


class PlainSelect(forms.Select):
    """Django's select, written in Python: rendering each option through the template engine
    cost the program list's filters (some 150 options) a quarter of the page. The same markup
    as Django's select.html; every name, value and label goes through `escape`."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'<optgroup label="{escape(group)}">')
            parts.extend(
                f'<option value="{escape(option["value"])}"{_attributes(option["attrs"])}>'
                f'{escape(option["label"])}</option>'
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


def _attributes(attrs):
    """Django's attrs.html: in their order, True as a bare name, False left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items() if value is not False
    )


class RegionPicker(forms.Widget):
    """Three selects, province → city → county, for one division code: the most specific one
    chosen is the value.

    Without JavaScript the page shows the province list and, for the division already chosen,
    its cities and counties: a firm picks a province, sends the form, then may narrow down (the
    self-check answers at each step; an organization's region is valid at any level). A list of
    all ~3,200 divisions in one select would be too long to use. With regions.js, choosing a
    province or city fetches its children (views.regions.children) and fills the next select.
    """

    template_name = "tracker/widgets/region_picker.html"
    use_fieldset = True
    levels = [
        (Region.Level.PROVINCE, _("Province")),
        (Region.Level.CITY, _("City")),
        (Region.Level.COUNTY, _("County / district")),
    ]

    class Media:
        js = [forms.Script("tracker/regions.js", defer=True)]

    def id_for_label(self, id_):
        return f"{id_}_{Region.Level.PROVINCE}" if id_ else id_

    def value_from_datadict(self, data, files, name):
        # The deepest choice inside the ones above it: a city left selected after the province
        # changed (possible without JavaScript) is dropped, not stored. A municipality's city
        # select stays empty, so an empty level is skipped rather than ending the path.
        # A plain `region=450202` (a link, a saved query string) names the division directly.
        chosen = str(data.get(name) or "").strip() or None
        for level, _label in self.levels:
            code = str(data.get(f"{name}_{level}") or "").strip()
            if code and (chosen is None or Region(code=chosen).contains(Region(code=code))):
                chosen = code
        return chosen

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(
            f"{name}_{level}" in data for level, _label in self.levels
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        path = self._path(value)
        chosen = {region.level: region.code for region in path}
        options = {level: [] for level, _label in self.levels}
        # One query: the provinces, and the children of the chosen province and city (a
        # province's children are its cities, or its counties for a municipality like 北京).
        above = [region.pk for region in path if region.level != Region.Level.COUNTY]
        for region in Region.objects.filter(Q(level=Region.Level.PROVINCE) | Q(parent__in=above)):
            options[region.level].append(region)
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        context["widget"]["selects"] = [
            {
                "name": f"{name}_{level}",
                "id": f"{base_id}_{level}",
                "level": level,
                "label": label,
                "options": options[level],
                "chosen": chosen.get(level, ""),
            }
            for level, label in self.levels
        ]
        context["widget"]["children_url"] = reverse("tracker:region_children", args=["000000"])
        return context

    @staticmethod
    def _path(value):
        """The chosen division and the ones above it, from the province down."""
        code = value.code if isinstance(value, Region) else str(value or "")
        path = []
        if not code:
            return path
        region = Region.objects.select_related("parent__parent").filter(code=code).first()
        while region is not None:
            path.insert(0, region)
            region = region.parent
        return path


class RegionField(forms.ModelChoiceField):
    """A division chosen with RegionPicker, posted as its code."""

    widget = RegionPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", _("No division has the code “%(value)s”: choose one from the lists.")
        )
        super().__init__(queryset=Region.objects.all(), to_field_name="code", **kwargs)

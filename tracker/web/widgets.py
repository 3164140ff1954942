"""Form widgets of the site's own."""

from html import escape

from django import forms
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.models import Region
from tracker.selectors.regions import divisions as region_divisions


class PlainSelect(forms.Select):
    """Django's select, written in Python: rendering each option through the template engine
    cost the program list's filters (some 150 options) a quarter of the page. The same markup
    as Django's select.html; every name, value and label goes through `escape` as text."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escaped_text(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'<optgroup label="{escaped_text(group)}">')
            parts.extend(
                f'<option value="{escaped_text(option["value"])}"{_attributes(option["attrs"])}>'
                f'{escaped_text(option["label"])}</option>'
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


def _attributes(attrs):
    """Django's attrs.html: in their order, True as a bare name, False left out."""
    return "".join(
        f" {escaped_text(name)}" if value is True
        else f' {escaped_text(name)}="{escaped_text(value)}"'
        for name, value in attrs.items() if value is not False
    )


def escaped_text(value):
    """A value (a lazy label, a model choice's value …) escaped as text, with the standard
    library's escape (Django's adds a lazy-string check around it): for HTML written in
    Python, here and in `tracker.web.tags`."""
    return escape(str(value))


class RegionPicker(forms.Widget):
    """Three selects, province → city → county, for one division code: the most specific one
    chosen is the value.

    Without JavaScript the page shows the province list and, for the division already chosen,
    its cities and counties: a firm picks a province, sends the form, then may narrow down (the
    self-check answers at each step; an organization's region is valid at any level). A list of
    all ~3,200 divisions in one select would be too long to use. With regions.js, choosing a
    province or city fetches its children (views.regions.children) and fills the next select.

    The options come from `divisions`, this process's copy of the divisions (a form that has
    read the catalog stamp sets it; else it is looked up per render, one query), and are
    written in Python: some 60 options through the template engine cost a tenth of the
    self-check's page.
    """

    use_fieldset = True
    levels = [
        (Region.Level.PROVINCE, _("Province")),
        (Region.Level.CITY, _("City")),
        (Region.Level.COUNTY, _("County / district")),
    ]
    divisions = None

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
        attrs = self.build_attrs(self.attrs, attrs)
        divisions = self.divisions or region_divisions()
        code = value.code if isinstance(value, Region) else str(value or "")
        path = divisions.path(code)
        chosen = {division.level: division.code for division in path}
        # The provinces, and the children of the chosen province and city (a province's
        # children are its cities, or its counties for a municipality like 北京).
        options = {level: [] for level, _label in self.levels}
        options[Region.Level.PROVINCE] = divisions.provinces
        for above in path:
            if above.level != Region.Level.COUNTY:
                for division in divisions.children[above.code]:
                    options[division.level].append(division)
        base_id = attrs.get("id", f"id_{name}")
        selects = [
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
        children_url = reverse("tracker:region_children", args=["000000"])
        return {"widget": {"name": name, "attrs": attrs, "selects": selects,
                           "children_url": children_url}}

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        required = bool(widget["attrs"].get("required"))
        not_given = escaped_text(gettext("— not given —"))
        parts = [
            '<div class="region-picker" data-region-picker '
            f'data-children-url="{escaped_text(widget["children_url"])}">'
        ]
        for i, select in enumerate(widget["selects"]):
            hidden = select["level"] != Region.Level.PROVINCE and not select["options"]
            first = " required" if required and i == 0 else ""
            parts.append(
                f'<div class="region-level"{" hidden" if hidden else ""}>'
                f'<label for="{escaped_text(select["id"])}">{escaped_text(select["label"])}</label>'
                f'<select name="{escaped_text(select["name"])}" id="{escaped_text(select["id"])}" '
                f'data-level="{escaped_text(select["level"])}"{first}>'
                f'<option value="">{not_given}</option>'
            )
            parts.extend(
                f'<option value="{escaped_text(division.code)}" '
                f'data-level="{escaped_text(division.level)}"'
                f'{" selected" if division.code == select["chosen"] else ""}>'
                f"{escaped_text(division)}</option>"
                for division in select["options"]
            )
            parts.append("</select></div>")
        parts.append("</div>")
        return mark_safe("\n".join(parts))  # noqa: S308 (every piece escaped above)


class PlainCheckboxes(forms.CheckboxSelectMultiple):
    """Django's list of checkboxes, written in Python: through the template engine each box
    is three templates, and the self-check's sectors alone cost a tenth of its page. The
    markup of Django's multiple_input.html; every name, value and label is escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        own = {key: widget["attrs"].get(key) for key in ("id", "class")}
        parts = [f"<div{_attributes({k: v for k, v in own.items() if v})}>"]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{escaped_text(group)}</label>")
            for option in options:
                option_id = option["attrs"].get("id")
                label_for = f' for="{escaped_text(option_id)}"' if option_id else ""
                parts.append(
                    f"<div>\n    <label{label_for}>"
                    f'<input type="{escaped_text(option["type"])}" '
                    f'name="{escaped_text(option["name"])}"'
                    f' value="{escaped_text(option["value"])}"{_attributes(option["attrs"])}> '
                    f'{escaped_text(option["label"])}</label></div>'
                )
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


class RegionField(forms.ModelChoiceField):
    """A division chosen with RegionPicker, posted as its code."""

    widget = RegionPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", _("No division has the code “%(value)s”: choose one from the lists.")
        )
        super().__init__(queryset=Region.objects.all(), to_field_name="code", **kwargs)

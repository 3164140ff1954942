"""The confirmation page shown before an edit of a tracked program's rules or dates is saved."""

from django.forms.formsets import all_valid
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from tracker import eligibility
from tracker.eligibility import impact


def impact_preview(model_admin, request, object_id):
    """The page when a valid edit changes what the rules read of a tracked program, else None.

    Nothing is saved here: the form and inlines are validated on a separate copy of the
    program, and the page re-posts the same data with `_confirm_impact` to save it. What the
    rules read comes from the rule registry: their parameters (form fields) and relations
    (a many-to-many form field such as regions, or an inline such as the checklist).
    """
    edited = model_admin.get_object(request, object_id)
    if edited is None or not model_admin.has_change_permission(request, edited):
        return None
    before = impact.program_for_impact(edited.pk)
    applications = impact.tracked_applications(before)
    if not applications.exists():
        return None
    form = model_admin.get_form(request, edited, change=True)(
        request.POST, request.FILES, instance=edited
    )
    formsets, _inlines = model_admin._create_formsets(request, edited, change=True)
    if not (form.is_valid() and all_valid(formsets)):
        return None  # the normal view shows the errors
    relations = eligibility.relations()
    changed = bool(eligibility.impact_fields() & set(form.changed_data))
    # The saved lists (loaded with `before`), replaced by those the edit changes.
    related = {name: list(getattr(before, name).all()) for name in relations}
    for name in relations:
        if name in form.cleaned_data:
            related[name] = list(form.cleaned_data[name])
    for formset in formsets:
        name = formset.fk.remote_field.related_name
        if name in relations:
            changed |= formset.has_changed()
            related[name] = [
                f.instance
                for f in formset.forms
                if f not in formset.deleted_forms and (f.instance.pk or f.has_changed())
            ]
    if not changed:
        return None
    after = impact.program_with_changes(edited, **related)
    result = impact.impact_of_change(before, after, model_admin.impact_verdict, applications)
    label = impact.verdict_label
    ctx = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Confirm the change to “%(title)s”") % {"title": before.title_zh},
        "original": before,
        "impact": result,
        "changes": [
            (c.application.organization, label(c.before), label(c.after)) for c in result.changes
        ],
        "transitions": [(label(b), label(a), n) for b, a, n in result.transitions()],
        "changed_fields": [form.fields[name].label for name in form.changed_data],
        "post_items": [
            (key, value)
            for key, values in request.POST.lists()
            if key != "csrfmiddlewaretoken"
            for value in values
        ],
    }
    return TemplateResponse(request, "admin/tracker/program/impact_preview.html", ctx)

"""An organization's facts page: the figures, registration date and qualifications the rules
read (revenue, employees, 高新技术企业 …). Members see them; owners change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tracker.selectors.facts import facts_of
from tracker.selectors.organizations import team_organization
from tracker.services import facts as services
from tracker.services.organizations import is_owner
from tracker.web.forms import FactRowsFormSet, OrganizationFactsForm, QualificationRowsFormSet
from tracker.web.views.responses import private_page


@private_page
@login_required
def organization_facts(request, pk):
    organization = team_organization(request.user, pk)
    facts, held = facts_of(organization)
    data = request.POST if request.method == "POST" else None
    form = OrganizationFactsForm(data, initial={
        "registered_on": organization.registered_on,
        "qualifications_complete": organization.qualifications_complete,
    })
    fact_rows = FactRowsFormSet(
        data, prefix="facts",
        initial=[{"fact": f.fact, "year": f.year, "value": f.value} for f in facts],
    )
    qualification_rows = QualificationRowsFormSet(
        data, prefix="qualifications",
        initial=[{"qualification": q.qualification_id, "valid_until": q.valid_until} for q in held],
    )
    if data is not None and all(
        [form.is_valid(), fact_rows.is_valid(), qualification_rows.is_valid()]
    ):
        try:
            services.set_facts(
                organization=organization,
                by=request.user,
                figures=fact_rows.figures(),
                qualifications=qualification_rows.held(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The facts of %(organization)s are saved.") % {
                "organization": organization
            })
            return redirect("tracker:organization_facts", organization.pk)
    ctx = {
        "organization": organization,
        "facts": facts,
        "held": held,
        "is_owner": is_owner(request.user, organization),
        "form": form,
        "fact_rows": fact_rows,
        "qualification_rows": qualification_rows,
    }
    return render(request, "tracker/organization_facts.html", ctx)

"""The forms firms and visitors fill: program filters, the self-check and the dashboard actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tracker import ids
from tracker.eligibility import Profile
from tracker.models import Application, Authority, Organization, OrganizationKind, Sector
from tracker.selectors.organizations import trackable_organizations
from tracker.validators import normalize_credit_code
from tracker.web.widgets import RegionField

MAX_PARTNERS = 50


class ProgramFilterForm(forms.Form):
    STATUSES = [
        ("", _("Open and closing soon")),
        ("upcoming", _("Upcoming")),
        ("closed", _("Closed")),
        ("all", _("All")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False,
        empty_label=_("Any sector"),
    )
    authority = forms.ModelChoiceField(
        label=_("Issuing authority"), queryset=Authority.objects.all(), required=False,
        empty_label=_("Any authority"),
    )


class SelfCheckForm(forms.Form):
    """The anonymous "policy calculator": every field may stay empty (then it is *unknown*)."""

    kind = forms.ChoiceField(
        label=_("Your organization is"),
        choices=[("", _("— not given —")), *OrganizationKind.choices],
        required=False,
    )
    region = RegionField(label=_("Registered in"), required=False)
    sectors = ids.ModelMultipleChoiceField(
        label=_("Your sectors"), queryset=Sector.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_count = forms.IntegerField(
        label=_("Number of co-building partners"),
        min_value=0,
        max_value=MAX_PARTNERS,
        required=False,
        error_messages={
            "min_value": _("The number of partners cannot be negative."),
            "max_value": _("The number of partners must be at most %(limit_value)s."),
        },
    )
    partner_kinds = forms.MultipleChoiceField(
        label=_("Your partners are"), choices=OrganizationKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        if data.get("partner_count") == 0 and data.get("partner_kinds"):
            self.add_error(
                "partner_kinds", _("You gave partner kinds but 0 partners: give the number.")
            )
        return data

    def profile(self):
        data = self.cleaned_data
        count = data["partner_count"]
        if data["partner_kinds"]:
            partner_kinds = frozenset(data["partner_kinds"])
        else:
            # "No partners" tells us their kinds too; a count without kinds does not.
            partner_kinds = frozenset() if count == 0 else None
        return Profile(
            kind=data["kind"] or None,
            region=data["region"],
            sectors=frozenset(data["sectors"]) or None,
            partner_kinds=partner_kinds,
            co_builder_count=count,
        )


def _label(field):
    """The model field's name, as the admin shows it."""
    return capfirst(Organization._meta.get_field(field).verbose_name)


class OrganizationForm(forms.Form):
    """A firm registering its own organization. The credit code is taken as typed (lower-case,
    full-width, with spaces): the model field normalises and validates it when the service
    saves, and its errors come back onto this form's fields."""

    name_zh = forms.CharField(label=_label("name_zh"), max_length=200)
    name_en = forms.CharField(label=_label("name_en"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_label("kind"), choices=OrganizationKind.choices)
    region = RegionField(label=_label("region"), required=False)
    sectors = ids.ModelMultipleChoiceField(
        label=_label("sectors"), queryset=Sector.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    credit_code = forms.CharField(
        label=_label("credit_code"), required=False, max_length=40,
        help_text=Organization._meta.get_field("credit_code").help_text,
    )

    def add_service_errors(self, error):
        """Put a service's ValidationError on the fields it names (the rest above the form)."""
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class TrackForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects)

    def __init__(self, *args, user, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = trackable_organizations(user, program)


class ChecklistForm(forms.Form):
    items = ids.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": _("Those items are not on this program's checklist."),
            "invalid_pk_value": _("Those items are not on this program's checklist."),
        },
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = application.program.checklist_items.all()


class StatusForm(forms.Form):
    # Every status is a choice: which move is allowed is the service's decision
    # (services.applications.change_status), so a firm posting "certified" gets its
    # "only an administrator" message rather than a generic one.
    status = forms.ChoiceField(
        label=_("New status"),
        choices=Application.Status.choices,
        error_messages={
            "invalid_choice": _("Choose one of the statuses offered for this application.")
        },
    )
    confirm = forms.BooleanField(
        label=_("I confirm the application has been handed in to the authority."),
        required=False,
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    def clean(self):
        data = super().clean()
        # Submitting locks the checklist and the partners: the firm confirms it first (a
        # checkbox posted with the form, so it works without JavaScript).
        if data.get("status") == Application.Status.SUBMITTED and not data.get("confirm"):
            self.add_error(
                "confirm",
                ValidationError(
                    _("Tick the confirmation to mark the application as submitted."),
                    code="submit_unconfirmed",
                ),
            )
        return data


class CoBuilderForm(forms.Form):
    partner = forms.CharField(
        label=_("Partner organization"),
        max_length=200,
        help_text=_("Its exact name or unified social credit code."),
    )

    def clean_partner(self):
        text = self.cleaned_data["partner"].strip()
        matches = list(
            Organization.objects.filter(
                Q(name_zh=text)
                | Q(name_en__iexact=text)
                | Q(credit_code=normalize_credit_code(text))
            )[:2]
        )
        if len(matches) != 1:
            raise ValidationError(
                _("No single organization is named “%(text)s”: give its exact name or code."),
                code="partner_not_found",
                params={"text": text},
            )
        return matches[0]

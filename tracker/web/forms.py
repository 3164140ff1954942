"""The forms firms and visitors fill: program filters, the self-check and the dashboard actions."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tracker import ids
from tracker.eligibility import Profile
from tracker.models import (
    Application,
    Authority,
    ItemWork,
    Membership,
    Organization,
    OrganizationKind,
    Program,
    Sector,
)
from tracker.selectors.organizations import trackable_organizations
from tracker.validators import normalize_credit_code
from tracker.web.widgets import RegionField

MAX_PARTNERS = 50


class ProgramFilterForm(forms.Form):
    """The program list's search and filters, parsed from the query string (every state of
    the list is a URL one can share). Its cleaned data is what
    `selectors.programs.filtered_programs` takes."""

    STATUSES = [
        ("", _("Open and closing soon")),
        ("upcoming", _("Upcoming")),
        ("open", _("Open")),
        ("closing", _("Closing within 14 days")),
        ("closed", _("Closed")),
        ("all", _("All")),
    ]
    POSTED = [("", _("Any time")), ("7", _("In the last 7 days")), ("30", _("In the last 30 days"))]
    # Relevance, the default, needs keywords; without them the list is by deadline.
    SORTS = [
        ("", _("Best match first")),
        ("deadline", _("Deadline, soonest first")),
        ("newest", _("Newest first")),
    ]
    MAX_QUERY = 100

    q = forms.CharField(
        label=_("Keywords"), required=False, max_length=MAX_QUERY, strip=True,
        error_messages={
            "max_length": _("Keywords can be at most %(limit_value)d characters long.")
        },
    )
    region = RegionField(label=_("Region"), required=False)
    level = forms.ChoiceField(
        label=_("Authority level"), required=False,
        choices=[("", _("Any level")), *Authority.Level.choices],
    )
    authority = forms.ModelChoiceField(
        label=_("Issuing authority"), queryset=Authority.objects.all(), required=False,
        empty_label=_("Any authority"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False,
        empty_label=_("Any sector"),
    )
    kind = forms.ChoiceField(
        label=_("Open to"), required=False,
        choices=[("", _("Any kind of organization")), *OrganizationKind.choices],
    )
    benefit = forms.ChoiceField(
        label=_("Kind of benefit"), required=False,
        choices=[("", _("Any benefit")), *Program.BenefitKind.choices],
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    deadline_from = forms.DateField(
        label=_("Deadline from"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, for example 2025-04-20.")},
    )
    deadline_to = forms.DateField(
        label=_("Deadline until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, for example 2025-04-20.")},
    )
    posted = forms.ChoiceField(label=_("Posted"), choices=POSTED, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and end < start:
            self.add_error(
                "deadline_to",
                ValidationError(
                    _("The end of the deadline range (%(end)s) is before its start (%(start)s)."),
                    code="deadline_range",
                    params={"start": start, "end": end},
                ),
            )
        return data

    def show_counts(self, counts):
        """Put how many programs each value would list beside it (see `filter_counts`)."""
        for name in ("level", "kind", "benefit", "status"):
            field, numbers = self.fields[name], counts[name]
            field.choices = [
                (value, _count_label(label, numbers.get(value, 0)) if value or name == "status"
                 else label)
                for value, label in field.choices
            ]
        for name in ("authority", "sector"):
            numbers = counts[name]
            self.fields[name].label_from_instance = (
                lambda obj, numbers=numbers: _count_label(obj, numbers.get(obj.pk, 0))
            )


def _count_label(label, count):
    return format_lazy(_("{label} ({count})"), label=label, count=count)


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


class ServiceErrorsMixin:
    def add_service_errors(self, error):
        """Put a service's ValidationError on the fields it names (the rest above the form)."""
        # The ValidationErrors themselves, not their messages: pages ask for their codes.
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class OrganizationForm(ServiceErrorsMixin, forms.Form):
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
        # The co-building units' list is done by a confirmed partner, not by a tick.
        self.fields["items"].queryset = application.program.checklist_items.filter(
            fulfilled_by_co_builders=False
        )


class ItemWorkForm(forms.Form):
    """An item's card form: who prepares it, by when, a note, and maybe a file."""

    owner = forms.ModelChoiceField(
        label=_("Responsible"), queryset=None, required=False, empty_label=_("— nobody yet —"),
        error_messages={"invalid_choice": _("Choose a member of the lead organization.")},
    )
    due_on = forms.DateField(label=_("Due"), required=False)
    note = forms.CharField(
        label=pgettext_lazy("checklist item", "Note"),
        required=False,
        max_length=ItemWork._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(label=_("Add a file"), required=False)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(
            memberships__organization=application.organization_id
        )


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
    """An existing organization as a partner: the one picked among the suggestions
    (`organization`, its id), else the one whose exact name or credit code was typed."""

    partner = forms.CharField(
        label=_("Partner organization"),
        max_length=200,
        required=False,
        help_text=_("Its exact name or unified social credit code."),
    )
    organization = forms.IntegerField(
        required=False, min_value=1, max_value=ids.MAX_ID, widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean()
        text = (data.get("partner") or "").strip()
        if data.get("organization"):
            matches = list(Organization.objects.filter(pk=data["organization"]))
        elif text:
            matches = list(
                Organization.objects.filter(
                    Q(name_zh=text)
                    | Q(name_en__iexact=text)
                    | Q(credit_code=normalize_credit_code(text))
                )[:2]
            )
        else:
            self.add_error("partner", forms.Field.default_error_messages["required"])
            return data
        if len(matches) != 1:
            self.add_error(
                "partner",
                ValidationError(
                    _("No single organization is named “%(text)s”: give its exact name or code."),
                    code="partner_not_found",
                    params={"text": text},
                ),
            )
        else:
            data["organization"] = matches[0]
        return data


class NewPartnerForm(ServiceErrorsMixin, forms.Form):
    """A partner organization nobody has registered yet, entered by the lead."""

    name_zh = OrganizationForm.base_fields["name_zh"]
    kind = OrganizationForm.base_fields["kind"]
    credit_code = OrganizationForm.base_fields["credit_code"]


class PartnerInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of someone there"), max_length=254)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Decline"))], coerce=lambda value: value == "1"
    )


class ClaimSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Unified social credit code or exact name"), max_length=200, required=False
    )


class ClaimForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects, widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That organization does not exist.")},
    )
    message = forms.CharField(
        label=_("Message to its owners (optional)"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you are at the organization, so that they recognise you."),
    )


class ReminderSettingsForm(forms.Form):
    """One organization's reminders for the member who fills it in."""

    receive = forms.BooleanField(label=_("Receive reminders"), required=False)
    language = forms.ChoiceField(label=_("Language of the mails"), choices=settings.LANGUAGES)

    @staticmethod
    def prefix_for(organization):
        # The page has one form per organization: prefixed, their fields' ids stay unique.
        return f"organization-{organization.pk}"

    @classmethod
    def for_contact(cls, organization, contact):
        """The form as the member's row says (no row: off, in the language of the page)."""
        initial = {"receive": False, "language": translation.get_language()}
        if contact is not None:
            initial = {"receive": contact.unsubscribed_at is None, "language": contact.language}
        return cls(initial=initial, prefix=cls.prefix_for(organization))

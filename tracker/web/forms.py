"""The forms firms and visitors fill: program filters, the self-check and the dashboard actions."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext, pgettext_lazy

from tracker import ids
from tracker.eligibility import Profile
from tracker.eligibility.rules import FactThresholdRule
from tracker.models import (
    AlertKind,
    AlertPreference,
    Application,
    Authority,
    Fact,
    ItemWork,
    Membership,
    Organization,
    OrganizationKind,
    Program,
    Qualification,
    Sector,
    Webhook,
)
from tracker.models.facts import FIRST_FACT_YEAR, LAST_FACT_YEAR
from tracker.selectors.organizations import member_organizations, trackable_organizations
from tracker.validators import normalize_credit_code
from tracker.web.widgets import PlainCheckboxes, PlainSelect, RegionField

MAX_PARTNERS = 50

# Every Django form (ours, allauth's, the admin's) ends its labels with gettext(":"), which
# Django's own Chinese catalogue leaves an ASCII colon ("状态:"). Our catalogue comes first
# (LOCALE_PATHS) and holds this msgid with the full-width colon, so labels read "状态：".
gettext_noop(":")


class DatePicker(forms.DateInput):
    """The browser's date picker, which reads and sends ISO dates whatever the language (a
    localized value such as 2026年12月31日 would leave it empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


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
        label=_("Authority level"), required=False, widget=PlainSelect,
        choices=[("", _("Any level")), *Authority.Level.choices],
    )
    authority = forms.ModelChoiceField(
        label=_("Issuing authority"), queryset=Authority.objects.all(), required=False,
        empty_label=_("Any authority"), widget=PlainSelect,
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False,
        empty_label=_("Any sector"), widget=PlainSelect,
    )
    kind = forms.ChoiceField(
        label=_("Open to"), required=False, widget=PlainSelect,
        choices=[("", _("Any kind of organization")), *OrganizationKind.choices],
    )
    benefit = forms.ChoiceField(
        label=_("Kind of benefit"), required=False, widget=PlainSelect,
        choices=[("", _("Any benefit")), *Program.BenefitKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUSES, required=False, widget=PlainSelect
    )
    deadline_from = forms.DateField(
        label=_("Deadline from"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, for example 2025-04-20.")},
    )
    deadline_to = forms.DateField(
        label=_("Deadline until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, for example 2025-04-20.")},
    )
    posted = forms.ChoiceField(
        label=_("Posted"), choices=POSTED, required=False, widget=PlainSelect
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False, widget=PlainSelect)

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
        """Put how many programs each value would list beside it (see `listing.Listing.counts`)."""
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


MAX_API_LIMIT = 100
# Deep pages cost the database a scan of the rows skipped; beyond this, narrow the filters or
# take the bulk extract.
MAX_API_OFFSET = 10_000


class ApiPageForm(forms.Form):
    """The open data API's page of a list: `limit` rows from `offset`."""

    limit = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_API_LIMIT,
        error_messages={
            "min_value": _("limit must be at least %(limit_value)s."),
            "max_value": _("limit can be at most %(limit_value)s."),
            "invalid": _("limit must be a whole number."),
        },
    )
    offset = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_API_OFFSET,
        error_messages={
            "min_value": _("offset cannot be negative."),
            "max_value": _("offset can be at most %(limit_value)s."),
            "invalid": _("offset must be a whole number."),
        },
    )


class SelfCheckForm(forms.Form):
    """The anonymous "policy calculator": every field may stay empty (then it is *unknown*).

    It asks only what the open programs' rules read (`question_counts`, from the rule
    registry), the answer deciding most programs first; a figure a threshold names
    ("2024年主营业务收入") becomes a question of its own.
    """

    kind = forms.ChoiceField(
        label=_("Your organization is"),
        choices=[("", _("— not given —")), *OrganizationKind.choices],
        required=False,
        widget=PlainSelect,
    )
    region = RegionField(label=_("Registered in"), required=False)
    sectors = ids.ModelMultipleChoiceField(
        label=_("Your sectors"), queryset=Sector.objects.all(), required=False,
        widget=PlainCheckboxes,
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
        widget=PlainCheckboxes,
    )
    registered_on = forms.DateField(
        label=_("Registered on"), required=False, widget=DatePicker()
    )
    qualifications = ids.ModelMultipleChoiceField(
        label=_("Qualifications you hold, valid at the deadline"),
        queryset=Qualification.objects.all(),
        required=False,
        widget=PlainCheckboxes,
    )

    # The basic questions, which are also what an organization's profile holds (saved from the
    # self-check, matched against every program published later): asked even when no open
    # program reads them today. Figures and qualifications are asked only when one does.
    BASIC_QUESTIONS = ("kind", "region", "sectors", "partner_count", "partner_kinds")

    def __init__(self, *args, counts=None, choices=None, **kwargs):
        """`counts` ({question: programs it decides}) prunes and orders the questions; without
        it every fixed question is asked, in the order above. `choices`: the sectors,
        qualifications and divisions to offer, as kept with the catalog copy
        (`OpenCatalog.choices`); without it they are read per render."""
        super().__init__(*args, **kwargs)
        self.counts = counts
        if choices is not None:
            self.fields["sectors"].choices = [(s.pk, s) for s in choices.sectors]
            self.fields["qualifications"].choices = [(q.pk, q) for q in choices.qualifications]
            self.fields["region"].widget.divisions = choices.divisions
        if counts is None:
            return
        for question in counts:
            if question.startswith("fact_"):
                self.fields[question] = fact_question_field(question)
        # sorted() is stable: equal counts keep the order above.
        asked = sorted(
            (q for q in self.fields if counts[q] or q in self.BASIC_QUESTIONS),
            key=lambda q: -counts[q],
        )
        self.fields = {question: self.fields[question] for question in asked}
        # In the request's language now: a lazy plural is a new class per call, which cost
        # more than the rest of the form.
        for question, field in self.fields.items():
            if counts[question]:
                field.help_text = ngettext(
                    "Decides %(n)d open program.", "Decides %(n)d open programs.", counts[question]
                ) % {"n": counts[question]}

    @property
    def first_question(self):
        """(label, number of programs) of the question that decides most, or None."""
        for question, field in self.fields.items() if self.counts else ():
            return field.label, self.counts[question]
        return None

    def clean(self):
        data = super().clean()
        if data.get("partner_count") == 0 and data.get("partner_kinds"):
            self.add_error(
                "partner_kinds", _("You gave partner kinds but 0 partners: give the number.")
            )
        return data

    def profile(self):
        data = self.cleaned_data
        count = data.get("partner_count")
        if data.get("partner_kinds"):
            partner_kinds = frozenset(data["partner_kinds"])
        else:
            # "No partners" tells us their kinds too; a count without kinds does not.
            partner_kinds = frozenset() if count == 0 else None
        facts = {
            FactThresholdRule.asked(question): value
            for question, value in data.items()
            if question.startswith("fact_") and value is not None
        }
        held = data.get("qualifications")
        return Profile(
            kind=data.get("kind") or None,
            region=data.get("region"),
            sectors=frozenset(data.get("sectors") or ()) or None,
            partner_kinds=partner_kinds,
            co_builder_count=count,
            facts=facts,
            registered_on=data.get("registered_on"),
            # Ticked: held, validity not asked (the visitor says they are valid then).
            qualifications={q.pk: None for q in held} if held else None,
        )


def fact_question_field(question):
    """The self-check field answering a threshold's figure ("2024年主营业务收入（万元）")."""
    fact, year = FactThresholdRule.asked(question)
    params = {"fact": fact.label, "year": year, "unit": fact.unit}
    if year is None:
        label = _("%(fact)s, latest year (%(unit)s)") % params
    else:
        label = _("%(fact)s in %(year)d (%(unit)s)") % params
    limit = 100 if fact in PERCENT_FACTS else MAX_FACT_VALUE
    # Django formats these with its own parameters: a "%" in the label must not count.
    named = {"field": label, "min": 0, "max": limit}
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=limit,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "min_value": (_("%(field)s must be at least %(min)s.") % named).replace("%", "%%"),
            "max_value": (_("%(field)s must be at most %(max)s.") % named).replace("%", "%%"),
        },
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
        widget=PlainCheckboxes,
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


class WebhookForm(ServiceErrorsMixin, forms.Form):
    """A group robot for an organization. The address is checked by the model (the robots' own
    hosts only), and its errors come back onto the `url` field."""

    kind = forms.ChoiceField(label=_("Robot"), choices=Webhook.Kind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=60, required=False,
        help_text=_("Which group it posts to, for you."),
    )
    url = forms.CharField(
        label=_("Webhook address"), max_length=500,
        help_text=_("From the robot's settings in the group: it starts with "
                    "https://qyapi.weixin.qq.com/ or https://oapi.dingtalk.com/."),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk only)"), max_length=200, required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("If the DingTalk robot's security setting is “additional signature” "
                    "(加签): the secret starting with SEC. It is never shown again."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial="zh-hans"
    )


class AlertPreferencesForm(forms.Form):
    """How a member wants each kind of alert (every organization they belong to)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in AlertKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=AlertPreference.Frequency.choices,
                widget=forms.RadioSelect,
            )


class WatchForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = member_organizations(user)


def form_errors_text(form):
    """A form's errors as plain text, each after its field's label: the answer of a feed or a
    download whose parameters are wrong (a reader's program would show no HTML page), and what
    a saved search's page says of filters that no longer validate."""
    return "\n".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(messages)}"
        for name, messages in form.errors.items()
    )


class SavedSearchForm(forms.Form):
    """Keep the program list's current filters (its query string) under a name, for one of
    the member's organizations (whose notification centre tells of new programs in it)."""

    name = forms.CharField(
        label=_("Name this search"), max_length=60, strip=True,
        error_messages={
            "required": _("Give the search a name."),
            "max_length": _("A search's name can be at most %(limit_value)d characters long."),
        },
    )
    organization = forms.ModelChoiceField(
        label=_("For"), queryset=Organization.objects.none(), empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your organizations.")},
    )
    # The list's query string as sent; `services.alerts.search_querystring` keeps its filters.
    querystring = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = member_organizations(user).order_by("name_zh")


class SaveProfileForm(forms.Form):
    """Save a self-check's answers as the profile of one of the member's organizations."""

    organization = forms.ModelChoiceField(
        label=_("Save these answers as the profile of"), queryset=Organization.objects.none(),
        empty_label=None,
    )
    alerts = forms.BooleanField(
        label=_("Tell me when a new program matches"), required=False, initial=True
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = member_organizations(user).order_by("name_zh")
        # The page shows the unbound form: its organizations read once, for whether to offer
        # saving at all and as the choices (the queryset would be read again by each).
        self.organizations = None
        if not self.is_bound:
            self.organizations = list(field.queryset)
            field.choices = [(organization.pk, organization) for organization in self.organizations]


class ConfirmationsForm(forms.Form):
    """The conditions of an application's program the firm confirms it meets itself."""

    conditions = ids.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": _("Those conditions are not this program's."),
            "invalid_pk_value": _("Those conditions are not this program's."),
        },
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].queryset = application.program.manual_conditions.all()


# Figures a firm enters: below a trillion (of 万元, or people), and a percentage up to 100.
MAX_FACT_VALUE = Decimal("999999999999")
PERCENT_FACTS = {Fact.RD_RATIO}


class FactRowForm(forms.Form):
    """One yearly figure: fact, year, value. A row left blank is no figure."""

    fact = forms.ChoiceField(label=_("Fact"), choices=[("", "—"), *Fact.entered()])
    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_FACT_YEAR,
        max_value=LAST_FACT_YEAR,
        error_messages={
            "min_value": _("The year must be %(limit_value)s or later."),
            "max_value": _("The year must be %(limit_value)s or earlier."),
        },
    )
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)

    def clean(self):
        data = super().clean()
        fact, value = data.get("fact"), data.get("value")
        if not fact or value is None:
            return data
        label = Fact(fact).label
        limit = 100 if fact in PERCENT_FACTS else MAX_FACT_VALUE
        if value < 0:
            self.add_error("value", ValidationError(
                _("%(field)s cannot be negative."), code="min_value", params={"field": label}
            ))
        elif value > limit:
            self.add_error("value", ValidationError(
                _("%(field)s must be at most %(limit)s."),
                code="max_value",
                params={"field": label, "limit": limit},
            ))
        return data


class RowsFormSet(forms.BaseFormSet):
    """Rows a firm edits on one page: saved ones (kept unless ticked for removal) and blank
    ones (kept once filled in). A value given twice is refused naming it."""

    def kept(self):
        return [
            form
            for i, form in enumerate(self.forms)
            if not self._should_delete_form(form)
            and (i < self.initial_form_count() or form.has_changed())
        ]

    def clean(self):
        if any(self.errors):
            return
        keys = [self.key(form.cleaned_data) for form in self.kept()]
        for key in keys:
            if keys.count(key) > 1:
                raise ValidationError(self.twice, code="given_twice", params=self.named(key))


class FactRows(RowsFormSet):
    twice = _("%(fact)s of %(year)s is given twice: keep one row.")

    def key(self, data):
        return data["fact"], data["year"]

    def named(self, key):
        return {"fact": Fact(key[0]).label, "year": key[1]}

    def figures(self):
        return [tuple(f.cleaned_data[n] for n in ("fact", "year", "value")) for f in self.kept()]


class QualificationRowForm(forms.Form):
    # Choices given by the formset, read once for all rows (a ModelChoiceField per row would
    # query the list once per row).
    qualification = forms.TypedChoiceField(
        label=_("Qualification"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose one of the qualifications listed.")},
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=DatePicker()
    )

    def __init__(self, *args, qualifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.qualifications = qualifications
        self.fields["qualification"].choices = [
            ("", "—"), *((pk, str(q)) for pk, q in qualifications.items())
        ]

    def clean_qualification(self):
        return self.qualifications[self.cleaned_data["qualification"]]


class QualificationRows(RowsFormSet):
    twice = _("%(qualification)s is listed twice: keep one row.")

    def get_form_kwargs(self, index):
        if not hasattr(self, "_qualifications"):
            self._qualifications = {q.pk: q for q in Qualification.objects.all()}
        return {"qualifications": self._qualifications}

    def key(self, data):
        return data["qualification"]

    def named(self, key):
        return {"qualification": key}

    def held(self):
        return [(f.cleaned_data["qualification"], f.cleaned_data["valid_until"])
                for f in self.kept()]


# Blank rows to fill in; the caps keep a hand-made post from building thousands of forms.
FactRowsFormSet = forms.formset_factory(
    FactRowForm, formset=FactRows, extra=3, max_num=60, absolute_max=60, can_delete=True
)
QualificationRowsFormSet = forms.formset_factory(
    QualificationRowForm, formset=QualificationRows, extra=2, max_num=20, absolute_max=20,
    can_delete=True,
)


class OrganizationFactsForm(forms.Form):
    registered_on = forms.DateField(
        label=_label("registered_on"), required=False,
        widget=DatePicker(),
    )
    qualifications_complete = forms.BooleanField(
        label=_label("qualifications_complete"), required=False,
        help_text=Organization._meta.get_field("qualifications_complete").help_text,
    )

    def clean_registered_on(self):
        registered_on = self.cleaned_data["registered_on"]
        today = timezone.localdate()
        if registered_on and registered_on > today:
            raise ValidationError(
                _("%(field)s cannot be after today (%(today)s)."),
                code="max_value",
                params={"field": self.fields["registered_on"].label, "today": today},
            )
        return registered_on

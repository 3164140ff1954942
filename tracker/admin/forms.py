"""Forms of the admin: the program form's custom fields, and the paste-a-notice forms."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from tracker import ids
from tracker.models import Authority, OrganizationKind, Region, default_reminder_days
from tracker.notices import NoticeError
from tracker.notices.files import max_size, text_from_file
from tracker.services.programs import next_edition_from_notice


class IdsOnlyMixin:
    """For the admin's autocomplete widgets: re-render a posted choice only if it can be an id.

    Django's widgets look the posted values up as they are: text, or a number out of the id
    range on SQLite, made the form page a 500 where the field already reports the error.
    """

    def optgroups(self, name, value, attr=None):
        ids_only = [v for v in value if str(v).isdigit() and ids.fits(v)]
        return super().optgroups(name, ids_only, attr)


class IdsOnlyAutocompleteSelect(IdsOnlyMixin, AutocompleteSelect):
    pass


class IdsOnlyAutocompleteSelectMultiple(IdsOnlyMixin, AutocompleteSelectMultiple):
    pass


class BoundedIdsMixin:
    """For ModelAdmins and inlines: posted ids out of range or not numbers are form errors,
    never a 500, in autocomplete selects and many-to-many choices (regions, sectors)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                IdsOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                IdsOnlyAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        kwargs.setdefault("form_class", ids.ModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class IntegerListField(forms.CharField):
    """Comma-separated whole numbers ("30, 14, 7, 3, 1") for a JSON list of integers."""

    def __init__(self, *, max_value, **kwargs):
        self.max_value = max_value
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = (value or "").replace("，", ",").strip()
        if not text:
            return []
        try:
            numbers = [int(part) for part in text.split(",") if part.strip()]
        except ValueError as exc:
            raise ValidationError(
                _("Enter whole numbers separated by commas, such as 30, 14, 7, 3, 1."),
                code="invalid",
            ) from exc
        if any(n < 0 or n > self.max_value for n in numbers):
            raise ValidationError(
                _("Each number must be between 0 and %(limit)d."),
                code="out_of_range",
                params={"limit": self.max_value},
            )
        return numbers


class ProgramAdminForm(forms.ModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("eligible organization kinds"),
        choices=OrganizationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked means every kind may apply."),
    )
    reminder_days = IntegerListField(
        label=_("reminder lead days"),
        max_value=365,
        required=False,
        # A declared field does not inherit the model default: without this a new program
        # would be saved with no reminders at all.
        initial=default_reminder_days,
        help_text=_("Days before each deadline when trackers get an email, e.g. 30, 14, 7, 3, 1."),
    )


# Room the paste form's other fields (CSRF token, the draft's title, source, slug, sector codes)
# take in a request, at their longest.
OTHER_FIELDS_ROOM = 16 * 1024
# The most one character of the text box costs in the urlencoded body the browser sends: a
# Chinese character is 3 UTF-8 bytes, each sent as %XX.
BYTES_PER_CHARACTER = 9


def request_size_limit():
    """Django's limit on a request's form data (DATA_UPLOAD_MAX_MEMORY_SIZE) in readable units
    ("2.5 MB"), or None when there is none."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else filesizeformat(limit)


class NoticeForm(forms.Form):
    # Not required: an empty paste gets the reader's own message, which says what to paste.
    text = forms.CharField(
        label=_("notice text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=_(
            "Paste the whole notice, or a whole newspaper page: the article announcing the "
            "call is found and read."
        ),
    )

    notice_file = forms.FileField(
        label=_("or a notice file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice_file"].help_text = _(
            "A Word (.docx) or PDF attachment of at most %(limit)s, instead of pasted text. "
            "Its text is shown in the box above, to check and correct."
        ) % {"limit": max_size()}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None:
            return
        # Sized so that a full box always fits in one request: over the limit Django refuses
        # the whole request unread, and the paste is lost. Only the browser enforces it, as a
        # server-side count would see each line break as two characters (CRLF), not one.
        characters = (limit - OTHER_FIELDS_ROOM) // BYTES_PER_CHARACTER
        text = self.fields["text"]
        text.widget.attrs["maxlength"] = characters
        text.help_text = _(
            "Paste the whole notice, or a whole newspaper page: the article announcing the call "
            "is found and read. At most %(size)s can be sent at once, so the box takes up to "
            "%(characters)s characters."
        ) % {
            "size": request_size_limit(),
            "characters": number_format(characters, force_grouping=True),
        }

    def clean(self):
        """With a file, its text becomes the notice's text (the box was left empty)."""
        data = super().clean()
        upload = data.get("notice_file")
        if upload is None:
            return data
        if data.get("text", "").strip():
            self.add_error(
                "notice_file",
                ValidationError(_("Paste the text or choose a file, not both."), code="both"),
            )
            return data
        try:
            data["text"] = text_from_file(upload)
        except NoticeError as exc:
            self.add_error("notice_file", ValidationError(exc.args[0], code="unreadable"))
        return data

    @classmethod
    def file_too_big(cls):
        """The form for an upload over the notice file limit: nothing of it was read."""
        return cls._unread("notice_file", _(
            "The file is larger than %(limit)s, the most a notice file may be, so it was not "
            "read. Paste the notice's text instead."
        ) % {"limit": max_size()})

    @classmethod
    def too_big(cls):
        """The form for a request over the size limit: its text was never read, so the box is
        empty, and the error says why."""
        return cls._unread("text", _(
            "The notice text is larger than %(size)s, the most a request may carry, so it was "
            "not read. Paste only the article that announces the call."
        ) % {"size": request_size_limit()})

    @classmethod
    def _unread(cls, field, message):
        form = cls(data={})
        form.add_error(field, ValidationError(message, code="too_big"))
        return form


class DraftProgramForm(forms.Form):
    """What the administrator confirms or corrects before a draft becomes a program."""

    title_zh = forms.CharField(
        label=_("title (Chinese)"), max_length=300, widget=forms.TextInput({"class": "vTextField"})
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    slug = forms.SlugField(label=_("slug"), max_length=120)
    authority = forms.ModelChoiceField(label=_("authority"), queryset=Authority.objects.all())
    source_publication = forms.CharField(
        label=_("source publication"),
        max_length=200,
        widget=forms.TextInput({"class": "vTextField"}),
        help_text=_("Where the notice was published, e.g. 柳州日报（2025年4月）."),
    )

    def __init__(self, draft, *args, edition=None, **kwargs):
        self.draft, self.edition = draft, edition
        proposed = draft.new_authority.value if draft.new_authority else None
        title = draft.title.value if draft.title else ""
        year = draft.year.value if draft.year else None
        digest = hashlib.sha1(title.encode()).hexdigest()[:6]
        kwargs["initial"] = {
            "title_zh": title,
            "year": year,
            "slug": f"notice-{year or 'draft'}-{digest}",
            "authority": draft.authority.value if draft.authority else None,
        }
        super().__init__(*args, **kwargs)
        if proposed:
            self._add_new_authority_fields(proposed)
        if edition is not None:
            self.fields["next_edition"] = forms.BooleanField(
                label=_("Create it as the next edition of “%(title)s”")
                % {"title": edition.title_zh},
                initial=True,
                required=False,
                help_text=_("Starts from that edition's rules, regions, sectors and checklist; "
                            "what this notice states replaces them, the rest is kept."),
            )
        if draft.warnings:
            self.fields["dates_checked"] = forms.BooleanField(
                label=_("I have checked the warnings above"),
                help_text=_("The program is created only once the flagged dates are checked."),
            )
        self.new_sectors = []
        for i, name in enumerate(draft.new_sectors):
            key = f"new_sector_{i}"
            self.fields[key] = forms.SlugField(
                label=_("code for the new sector “%(name)s”") % {"name": name},
                required=False,
                help_text=_("Leave empty to leave this sector out."),
            )
            self.new_sectors.append((key, name))

    def _add_new_authority_fields(self, proposed):
        """The issuer the notice names and the database lacks, proposed for creation."""
        self.fields["authority"].required = False
        self.fields["authority"].help_text = _(
            "Or leave empty to create the new authority below."
        )
        self.fields["new_authority_name"] = forms.CharField(
            label=_("new authority (Chinese name)"),
            max_length=200,
            initial=proposed.name_zh,
            required=False,
            widget=forms.TextInput({"class": "vTextField"}),
            help_text=_("Read from the notice; not in the database yet."),
        )
        self.fields["new_authority_level"] = forms.ChoiceField(
            label=_("new authority's level"),
            choices=Authority.Level.choices,
            initial=proposed.level,
            required=False,
        )
        region = Region.named_at_start_of(proposed.name_zh)
        self.fields["new_authority_region"] = forms.CharField(
            label=_("new authority's region code"),
            max_length=6,
            initial=region.code if region else "",
            required=False,
            help_text=_("The six-digit code of the region it serves, e.g. 450200 for Liuzhou."),
        )

    def clean(self):
        data = super().clean()
        if "new_authority_name" not in self.fields or data.get("authority"):
            return data
        if not data.get("new_authority_name"):
            self.add_error("authority", ValidationError(
                _("Choose an authority, or give the new authority's name."), code="required"
            ))
            return data
        if not data.get("new_authority_level"):
            self.add_error("new_authority_level", ValidationError(
                _("Choose the new authority's level."), code="required"
            ))
        code = data.get("new_authority_region", "")
        region = Region.objects.filter(code=code).first() if code.isdigit() else None
        if region is None:
            self.add_error("new_authority_region", ValidationError(
                _("Enter the six-digit code of an existing region, e.g. 450200."),
                code="invalid",
            ))
        data["new_authority_region"] = region
        return data

    def save_program(self):
        """The new unpublished program, or None with the model's errors added to this form."""
        data = self.cleaned_data
        codes = {name: data[key] for key, name in self.new_sectors if data.get(key)}
        new_authority = None
        if not data["authority"] and data.get("new_authority_name"):
            new_authority = {
                "name_zh": data["new_authority_name"],
                "level": data["new_authority_level"],
                "region": data["new_authority_region"],
            }
        fields = {
            "title_zh": data["title_zh"],
            "year": data["year"],
            "slug": data["slug"],
            "authority": data["authority"],
            "source_publication": data["source_publication"],
            "new_sector_codes": codes,
            "new_authority": new_authority,
        }
        try:
            if data.get("next_edition"):
                return next_edition_from_notice(program=self.edition, draft=self.draft, **fields)
            return self.draft.save_as_program(**fields)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return None

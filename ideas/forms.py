"""Input validation for the resident's form and the staff's fast form. No side effects, but one the
view asks for by name: `keep_checked_files` keeps a form's checked files (ideas/held_files.py)."""

import copy
import time
import uuid
from typing import Any
from uuid import UUID

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from ideas import held_files, questions
from ideas.models import EventKind, FormQuestionVersion, HeldFile, Idea, OutreachEvent
from ideas.services import Attachment
from portal.lookups import PkMultipleChoiceField
from portal.text import single_line

MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_MEGABYTES = 10
MAX_ATTACHMENT_BYTES = MAX_ATTACHMENT_MEGABYTES * 1024 * 1024
# For the messages that name the limits.
ATTACHMENT_LIMITS = {"count": MAX_ATTACHMENTS, "megabytes": MAX_ATTACHMENT_MEGABYTES}
# Checked against the first bytes of the file, never against its name.
MAGIC_NUMBERS = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
STARTED_SALT = "ideas.form-started"
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


def readable_text(value: str) -> None:
    """Refuse text that arrived damaged (invalid UTF-8) or with invisible control characters."""
    if "\ufffd" in value:
        raise ValidationError(
            _(
                "Part of this text could not be read (perhaps it was copied from another program). "
                "Please type it again."
            ),
            code="unreadable",
        )
    if any(char in _CONTROL for char in value):
        raise ValidationError(
            _("This text contains invisible control characters. Please type it again."),
            code="control_characters",
        )


class Text(forms.CharField):
    """A text field that refuses damaged input; Django already refuses NUL bytes."""

    default_validators = [readable_text]


class OneLine(Text):
    def to_python(self, value: Any) -> str:
        return single_line(super().to_python(value) or "")


phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{6,40}$",
    _("Write the phone number with digits, for example 070-123 45 67 or +46 70 123 45 67."),
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; gives a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        return [single(item, initial) for item in files if item]


def sniff_content_type(upload: UploadedFile) -> str | None:
    """Tell a PDF, PNG or JPEG by its first bytes; anything else gives None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in MAGIC_NUMBERS:
        if head.startswith(magic):
            return content_type
    return None


def started_value(at: float | None = None) -> str:
    """The signed time the form was handed out (now, or `at`, a timestamp, for a draft) and a
    random id of this handing out: the id its idea is stored under, so that the same form
    sent twice is one idea (`ideas.services.form_sent_before`)."""
    moment = int(time.time() if at is None else at)
    return signing.Signer(salt=STARTED_SALT).sign(f"{moment}.{uuid.uuid4().hex}")


def _started_parts(value: str) -> tuple[int, UUID | None] | None:
    """The time and the id of a started value, or None if it was tampered with. A value
    handed out before forms had an id has none."""
    try:
        moment, _dot, form_id = signing.Signer(salt=STARTED_SALT).unsign(value or "").partition(".")
        return int(moment), UUID(hex=form_id) if form_id else None
    except (signing.BadSignature, ValueError):
        return None


def started_seconds_ago(value: str) -> float | None:
    """Seconds since the form was handed out, or None if the value was tampered with."""
    parts = _started_parts(value)
    return None if parts is None else time.time() - parts[0]


def form_id_of(value: str) -> UUID | None:
    """The id the form was handed out with, or None."""
    parts = _started_parts(value)
    return None if parts is None else parts[1]


def idea_field(
    name: str, form_class: type[forms.Field] | None = None, **kwargs: Any
) -> forms.Field:
    """The form field of `Idea.<name>`: its kind, its limit, its choices and whether it may be
    left empty come from the model; labels, help texts and widgets are the form's."""
    model_field = Idea._meta.get_field(name)
    assert isinstance(model_field, models.Field), name
    if form_class is not None:
        kwargs["form_class"] = form_class
    field = model_field.formfield(**kwargs)
    assert field is not None, name
    return field


# What an empty required field's error says: what to do, in the field's own words (not
# "This field is required." after a question).
REQUIRED_MESSAGES = {
    "title": _("Write a short name for your idea."),
    "need": _("Write what the need or the problem is."),
    "description": _("Describe your idea in a few sentences."),
    "municipality": _("Choose the municipality your idea is in."),
    "themes": _("Choose at least one theme."),
    "stage": _("Choose how far the idea has come."),
    "organisation_kind": _(
        "Choose whether you write as a private person, an association or something else."
    ),
    "language": _("Choose the language we should write to you in."),
    "consent": _("Tick the box to agree, or we cannot store your idea."),
}


class IdeaDetailsForm(forms.Form):
    """The idea and who is behind it: what the resident's form and the staff's form share.

    Every field is a field of `Idea` (see IDEA_FIELDS below, the one list that the service's
    arguments and the draft read).
    """

    title = idea_field(
        "title",
        OneLine,
        label=_("Give your idea a short name"),
        help_text=_("For example: “A meeting place in the old school in Ramsberg”."),
    )
    # The model lets staff leave the need out (assisted intake); the resident's form asks it.
    need = idea_field(
        "need",
        Text,
        required=True,
        label=_("What is the need or the problem?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is missing or does not work today? Who notices it?"),
    )
    description = idea_field(
        "description",
        Text,
        label=_("Describe your idea"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What do you want to do, and why? Write in your own words."),
    )
    beneficiaries = idea_field(
        "beneficiaries",
        Text,
        label=_("Who benefits from the idea?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the people in the village, young people, new Swedes."),
    )
    municipality = idea_field(
        "municipality",
        label=_("Where is your idea?"),
        empty_label=_("Choose a municipality"),
        help_text=_("Choose “Whole Örebro County” if the idea concerns the whole county."),
    )
    place = idea_field(
        "place",
        OneLine,
        label=_("Village or place"),
        help_text=_("Optional. For example: Ramsberg, or the area around Lake Tisaren."),
    )
    is_rural = idea_field(
        "is_rural",
        label=_("The idea concerns a rural area"),
        help_text=_("Tick if the idea is for the countryside, a village or a small place."),
    )
    themes = idea_field(
        "themes",
        PkMultipleChoiceField,
        label=_("What is your idea about?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
    )
    stage = idea_field("stage", label=_("How far has the idea come?"), widget=forms.RadioSelect)
    support_wanted = idea_field(
        "support_wanted",
        PkMultipleChoiceField,
        label=_("What kind of support would help?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional. Choose as many as you like, or none if you do not know yet."),
    )
    # Autocomplete names let browsers fill in what they know (WCAG 1.3.5).
    submitter_name = idea_field(
        "submitter_name",
        OneLine,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Optional. So that we know what to call you."),
    )
    submitter_email = idea_field(
        "submitter_email",
        label=_("Your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a receipt and a link where you can follow your idea."),
    )
    submitter_phone = idea_field(
        "submitter_phone",
        OneLine,
        label=_("Your phone number"),
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
        help_text=_(
            "If you would rather be called. Give an email address, a phone number or both."
        ),
    )
    organisation_name = idea_field(
        "organisation_name",
        OneLine,
        label=_("Association or organisation"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_(
            "Optional. Leave empty if you write as a private person. Partners see this "
            "name only if you have agreed that they may have your details."
        ),
    )
    organisation_kind = idea_field(
        "organisation_kind",
        label=_("You write as"),
        widget=forms.RadioSelect,
    )
    language = idea_field(
        "language",
        label=_("Which language do you want us to write to you in?"),
        widget=forms.RadioSelect,
    )
    share_contact_with_partners = idea_field(
        "share_contact_with_partners",
        label=_(
            "The partners the committee picks for my idea may have my name and contact "
            "details and contact me."
        ),
        help_text=_(
            "Optional. Without this, partners get your idea without your name. When a partner "
            "wants to help, we ask you whether it may have your details; until then you write "
            "to each other through Idélotsen. You can take your consent back for each partner "
            "on your idea's page."
        ),
    )
    public_listing = idea_field(
        "public_listing",
        label=_(
            "My idea may be shown publicly: only its title, municipality, theme and status, "
            "never my name or contact details."
        ),
        help_text=_("Optional. You can change this later on your idea's page."),
    )

    contact_required = True

    def __init__(
        self, *args: Any, asked: list[questions.AskedQuestion] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The coordinator's questions (ideas/questions.py), asked after the form's own.
        self.asked = questions.active_questions() if asked is None else asked
        self.fields.update(
            questions.form_fields(self.asked, language=get_language() or settings.LANGUAGE_CODE)
        )
        for name, message in REQUIRED_MESSAGES.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message
        # Each language in its own words, so that a newcomer finds theirs.
        native = getattr(settings, "LANGUAGE_NATIVE_NAMES", {})
        codes = [code for code, _name in settings.LANGUAGES]
        # Each name is marked with its language, so that a screen reader says it right.
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [
            (
                code,
                format_html(
                    '<span lang="{}">{}</span>',
                    code.split("-")[0],
                    native.get(code) or get_language_info(code)["name_local"].capitalize(),
                ),
            )
            for code in codes
        ]
        current = get_language() or settings.LANGUAGE_CODE
        language.initial = current if current in codes else settings.LANGUAGE_CODE

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        has_contact = cleaned.get("submitter_email") or cleaned.get("submitter_phone")
        # Only complain when both fields are free of their own errors.
        if (
            self.contact_required
            and not has_contact
            and not {"submitter_email", "submitter_phone"} & set(self.errors)
        ):
            self.add_error(
                "submitter_email",
                ValidationError(
                    _("Give an email address or a phone number, so that we can reach you."),
                    code="no_contact",
                ),
            )
        return cleaned

    def idea_fields(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.idea_submit` takes."""
        return {
            name: list(value) if isinstance(value, QuerySet) else value
            for name, value in ((name, self.cleaned_data[name]) for name in IDEA_FIELDS)
        }

    def answers(self) -> list[tuple[FormQuestionVersion, str]]:
        """The answers to the coordinator's questions, each with the wording it was given to."""
        return questions.answers_from(self.asked, self.cleaned_data)

    def questions_fieldset(self) -> list[Fieldset]:
        """The layout's part for the coordinator's questions: none when there are none."""
        names = [item.field_name for item in self.asked]
        return [Fieldset(_("Questions from the committee"), *names)] if names else []


# The fields of the idea form, in its order: the one list that `idea_fields` gives the service
# and that a draft keeps (files and consent are given again when the form is sent).
IDEA_FIELDS: tuple[str, ...] = tuple(IdeaDetailsForm.base_fields)
# A draft keeps no value longer than the longest text the form takes.
DRAFT_VALUE_MAX_LENGTH = max(
    getattr(field, "max_length", None) or 0 for field in IdeaDetailsForm.base_fields.values()
)

ABOUT_THE_IDEA = (_("Your idea"), "title", "need", "description", "beneficiaries")
WHERE = (_("Where"), "municipality", "place", "is_rural")
THEMES_AND_SUPPORT = (_("Themes and support"), "themes", "stage", "support_wanted")
ABOUT_YOU = (
    _("About you"),
    "submitter_name",
    "submitter_email",
    "submitter_phone",
    "organisation_name",
    "organisation_kind",
    "language",
)


class FieldIfPresent(Field):
    """A field the form has only at times (the kept files): nothing is rendered without it."""

    def render(self, form: forms.Form, context: Any, **kwargs: Any) -> str:
        if not all(name in form.fields for name in self.fields):
            return ""
        return super().render(form, context, **kwargs)


class IdeaWithFilesForm(IdeaDetailsForm):
    """The idea with the files that come with it: the resident's form and the staff's (online
    and offline, ideas/offline_intake.py) take them within the same limits and check each by
    its content, never by its name. A form shown again with an error keeps the files that
    passed the check (`keep_checked_files`, ideas/held_files.py) and offers them, ticked."""

    kept_files = forms.MultipleChoiceField(
        label=_("Files you have already chosen"),
        help_text=_("They are kept for you. Untick a file to leave it out."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = MultipleFileField(label=_("Attach files"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = (
            _(
                "Optional. Up to %(count)d files: PDF, PNG or JPEG, at most %(megabytes)d MB each. "
                "If the form shows an error, the files you chose are kept."
            )
            % ATTACHMENT_LIMITS
        )
        # The kept files the form was sent with (value in the page, file), and the new files
        # that passed the check this time.
        self.kept: list[tuple[str, HeldFile]] = []
        self.checked_files: list[Attachment] = []
        if self.is_bound:
            self.kept = held_files.files_held(_values(self.data, "kept_files"))
        self._offer_kept()

    def _offer_kept(self) -> None:
        """Show the kept files as ticked boxes, and only those: a value from elsewhere is
        dropped rather than answered with an error."""
        if self.is_bound:
            self.data = _with_values(self.data, "kept_files", [value for value, _held in self.kept])
        if not self.kept:
            self.fields.pop("kept_files", None)
            return
        field = self.fields.setdefault("kept_files", copy.deepcopy(self.base_fields["kept_files"]))
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(value, held_files.held_label(held)) for value, held in self.kept]

    def keep_checked_files(self) -> None:
        """Keep the new files that passed the check, for the form that is shown again."""
        held = held_files.files_hold(self.checked_files)
        self.kept += [(held_files.held_value(file), file) for file in held]
        self.checked_files = []
        self._offer_kept()

    def clean_attachments(self) -> list[Attachment]:
        """The files as the service stores them, each with its checked name and content type:
        the kept ones first, then the new ones."""
        files = self.cleaned_data["attachments"]
        errors = []
        checked = []
        for upload in files:
            name = single_line(upload.name or "")[:200] or "file"
            if upload.size > MAX_ATTACHMENT_BYTES:
                errors.append(
                    ValidationError(
                        _(
                            "“%(name)s” is larger than %(megabytes)d MB. Make it smaller or "
                            "leave it out."
                        )
                        % {"name": name, **ATTACHMENT_LIMITS},
                        code="too_big",
                    )
                )
                continue
            content_type = sniff_content_type(upload)
            if content_type is None:
                errors.append(
                    ValidationError(
                        _("“%(name)s” is not a PDF, PNG or JPEG file.") % {"name": name},
                        code="file_type",
                    )
                )
                continue
            checked.append(Attachment(upload=upload, name=name, content_type=content_type))
        self.checked_files = checked
        if len(self.kept) + len(files) > MAX_ATTACHMENTS:
            too_many = (
                _(
                    "You can attach at most %(count)d files, counting those you have already "
                    "chosen. Untick some of them or choose fewer."
                )
                if self.kept
                else _("You can attach at most %(count)d files.")
            )
            errors.insert(
                0, ValidationError(too_many % {"count": MAX_ATTACHMENTS}, code="too_many")
            )
        if errors:
            raise ValidationError(errors)
        return [held_files.held_attachment(held) for _value, held in self.kept] + checked


def _values(data: Any, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name) or []
    return [value] if isinstance(value, str) else list(value)


def _with_values(data: Any, name: str, values: list[str]) -> Any:
    """The form's data (request.POST, immutable, or a dict) with `name` set to `values`."""
    if _values(data, name) == values:
        return data
    if isinstance(data, QueryDict):
        changed = data.copy()
        changed.setlist(name, values)
        return changed
    return {**data, name: values}


class IdeaSubmitForm(IdeaWithFilesForm):
    """The resident's idea. Validation only: the service stores it."""

    consent = forms.BooleanField(
        label=_("I agree that Idélotsen stores my idea and my contact details to handle it."),
        help_text=_(
            "Required. We use your details only to handle your idea. You can see and "
            "erase your data at any time with the link in your receipt."
        ),
    )
    # Spam traps: a field people never see, and the time the form was handed out (signed).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keep the original time across re-displays, so a corrected form is not "too fast".
        given = self.data.get("started") if self.is_bound else None
        self.started_as_sent = given or ""
        if not given or started_seconds_ago(given) is None:
            given = started_value()
        self.initial["started"] = given
        if self.is_bound:
            # request.POST (immutable) or a dict: a copy that holds the original time.
            data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            data["started"] = given
            self.data = data
        self.fields["consent"].help_text = format_html(
            '{} <a href="{}">{}</a>',
            self.fields["consent"].help_text,
            reverse("privacy_notice"),
            _("How we handle your data"),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(*ABOUT_THE_IDEA),
            Fieldset(*WHERE),
            Fieldset(*THEMES_AND_SUPPORT),
            *self.questions_fieldset(),
            Fieldset(*ABOUT_YOU),
            Fieldset(_("Files"), FieldIfPresent("kept_files"), "attachments"),
            Fieldset(_("Your consent"), "consent", "share_contact_with_partners", "public_listing"),
            Div("website", css_class="d-none"),
        )  # "started" is written by the template, outside the cached part of the page

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return ""

    def form_id(self) -> UUID | None:
        """The id the form was handed out with: a form sent twice is one idea."""
        return form_id_of(self.started_as_sent)

    def spam_problem(self) -> str | None:
        """Say why the form looks sent by a machine, or None. Checked after the fields."""
        seconds = started_seconds_ago(self.started_as_sent)
        if seconds is None:
            return str(_("The form was damaged on the way. Please check it and send it again."))
        if seconds < getattr(settings, "IDEAS_MIN_FILL_SECONDS", 3):
            return str(_("That was very fast. Please check your idea and send it again."))
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        problem = self.spam_problem()
        if problem:
            self.add_error(None, ValidationError(problem, code="spam"))
        return cleaned


class AssistedIdeaForm(IdeaWithFilesForm):
    """The fast form outreach staff fill in on a tablet together with the resident."""

    consent_confirmed = forms.BooleanField(
        label=_(
            "The resident has agreed that Idélotsen stores the idea and the contact details "
            "to handle it."
        ),
        help_text=_("Required. Ask the resident before you send the form."),
    )
    on_paper = forms.BooleanField(
        label=_("Typed in from a paper form"),
        required=False,
        help_text=_(
            "Tick this when you type in a paper form the resident filled in and signed: the "
            "signature on the paper is their consent. Keep the paper with the event's papers."
        ),
    )

    contact_required = False

    def __init__(self, *args: Any, event: OutreachEvent | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].required = False
        self.fields["submitter_email"].help_text = _(
            "Optional. Without it, print the receipt for the resident."
        )
        self.fields["submitter_phone"].help_text = _("Optional.")
        # The same choice as on the idea form, put to the resident on the spot.
        self.fields["share_contact_with_partners"].label = _(
            "The resident agrees that the partners the committee picks may have their name "
            "and contact details and contact them."
        )
        self.fields["share_contact_with_partners"].help_text = _(
            "Ask the resident. Without this, partners get the idea without the resident's "
            "name; when a partner wants to help, the resident is asked by mail and on the "
            "idea's page whether it may have the details. Each consent can be taken back for "
            "each partner on the idea's page."
        )
        if event is not None:
            self.fields["municipality"].initial = event.municipality_id
            self.fields["place"].initial = event.place
        # A tablet offers its camera for images (a file name's ending would not).
        self.fields["attachments"].widget.attrs["accept"] = "image/png,image/jpeg,application/pdf"
        # One tablet, one resident after another: the browser offers nobody's earlier answers
        # (boxes and radio buttons take no autocomplete attribute, and keep nothing).
        for field in self.fields.values():
            if getattr(field.widget, "input_type", None) not in {"checkbox", "radio", "file"}:
                field.widget.attrs["autocomplete"] = "off"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(*ABOUT_THE_IDEA),
            Fieldset(*WHERE),
            Fieldset(*THEMES_AND_SUPPORT),
            *self.questions_fieldset(),
            Fieldset(*ABOUT_YOU),
            Fieldset(_("Files"), FieldIfPresent("kept_files"), "attachments"),
            Fieldset(
                _("Consent"),
                "on_paper",
                "consent_confirmed",
                "share_contact_with_partners",
                "public_listing",
            ),
        )


class OutreachEventChooseForm(forms.Form):
    event = forms.ModelChoiceField(
        label=_("Event"),
        queryset=OutreachEvent.objects.select_related("municipality"),
        empty_label=_("Choose an event"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class OutreachEventForm(forms.ModelForm):
    name = OneLine(label=_("Name of the event"), max_length=120)
    place = OneLine(
        label=_("Place"),
        max_length=120,
        required=False,
        help_text=_("For example: outside the grocery store in Grythyttan."),
    )

    class Meta:
        model = OutreachEvent
        fields = ["name", "kind", "municipality", "place", "date"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "kind": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = EventKind.choices  # no empty "---------" radio
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("A new event"), "name", "kind", "municipality", "place", "date"),
        )


class QuestionAnswerForm(forms.Form):
    answer = Text(
        label=_("Your answer"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your answer.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class LostLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you gave when you sent your idea."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Write the email address you gave when you sent your idea.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ShortCodeForm(forms.Form):
    """The reference number and short code from a paper receipt (see ideas/tokens.py)."""

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=30,
        help_text=_("As on your receipt, for example IL-2026-0007."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Write the reference number from your receipt.")},
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=30,
        help_text=_("Eight letters and digits, for example K7QM-4XPA."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": _("Write the code from your receipt.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class WithdrawForm(forms.Form):
    reason = Text(
        label=_("Why do you withdraw the idea?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. It helps us to get better."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

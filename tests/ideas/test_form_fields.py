"""The idea form, the service and the draft share one list of fields, and the form's limits and
the messages that name them come from the model and the constants."""

import inspect

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ideas import forms, services
from ideas.forms import IDEA_FIELDS, AssistedIdeaForm, IdeaDetailsForm, IdeaSubmitForm
from ideas.models import Idea
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db


def test_every_field_of_the_idea_form_is_a_field_of_the_idea_with_the_models_limit():
    assert tuple(IdeaDetailsForm.base_fields) == IDEA_FIELDS
    texts = [
        name for name in IDEA_FIELDS if hasattr(IdeaDetailsForm.base_fields[name], "max_length")
    ]
    assert "title" in texts and "description" in texts and "submitter_phone" in texts
    for name in texts:
        assert (
            IdeaDetailsForm.base_fields[name].max_length == Idea._meta.get_field(name).max_length
        ), name


def test_both_forms_offer_every_field_of_the_list():
    for form in (IdeaSubmitForm(), AssistedIdeaForm()):
        assert set(IDEA_FIELDS) <= set(form.fields)


def test_idea_submit_takes_each_field_of_the_form_as_its_own_keyword():
    parameters = inspect.signature(services.idea_submit).parameters
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert set(IDEA_FIELDS) <= set(parameters)


def test_the_cleaned_files_are_the_records_the_service_stores():
    pdf = SimpleUploadedFile("plan\n.pdf", b"%PDF-1.7\n" + b"0" * 32)
    form = IdeaSubmitForm(valid_form(), {"attachments": [pdf]})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["attachments"] == [
        services.Attachment(upload=pdf, name="plan .pdf", content_type="application/pdf")
    ]
    assert not hasattr(pdf, "checked_name")


def test_the_messages_about_files_name_the_limits_of_the_constants(monkeypatch):
    monkeypatch.setitem(forms.ATTACHMENT_LIMITS, "count", 4)
    monkeypatch.setitem(forms.ATTACHMENT_LIMITS, "megabytes", 20)
    with translation.override("sv"):
        help_text = str(IdeaSubmitForm().fields["attachments"].help_text)
    assert "Upp till 4 filer" in help_text and "högst 20 MB var" in help_text

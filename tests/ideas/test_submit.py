import re

import pytest
from django.core import mail
from django.urls import reverse

from ideas.models import Idea, hash_token
from portal.outbox.models import Message, MessageKind, MessageState
from tests.factories import municipality
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db


def test_front_page_leads_a_resident_to_the_form(client):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("ideas:submit") in response.content.decode()


def test_a_resident_submits_an_idea_and_gets_a_reference_and_a_receipt(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ideas:submit"), valid_form(), follow=True)

    idea = Idea.objects.get()
    assert re.fullmatch(r"IL-\d{4}-0001", idea.reference)
    assert idea.reference in response.content.decode()
    assert idea.consent_version and idea.consent_given_at
    receipt = Message.objects.get(kind=MessageKind.RECEIPT)
    assert receipt.state == MessageState.SENT
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["anna@example.org"]
    assert idea.reference in sent.subject
    assert sent.extra_headers["Message-ID"] == receipt.message_id
    token = re.search(r"/track/([\w-]+)/", sent.body).group(1)
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    assert idea.tracking_token_hash == hash_token(token)
    assert token not in idea.tracking_token_hash


def test_the_tracking_link_shows_the_public_status(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:submit"), valid_form())
    token = re.search(r"/track/([\w-]+)/", mail.outbox[0].body).group(1)

    response = client.get(reverse("ideas:track", kwargs={"token": token}))

    assert response.status_code == 200
    assert "Vi har tagit emot din idé" in response.content.decode()


def test_a_guessed_tracking_token_finds_nothing(client):
    assert client.get(reverse("ideas:track", kwargs={"token": "guess"})).status_code == 404


def test_a_missing_consent_is_explained_next_to_the_field_and_nothing_typed_is_lost(client):
    response = client.post(reverse("ideas:submit"), valid_form(consent=""))

    page = response.content.decode()
    assert response.status_code == 200
    assert Idea.objects.count() == 0
    assert 'id="error-summary"' in page
    assert 'href="#id_consent"' in page
    assert 'aria-invalid="true"' in page
    assert "Mötesplats i gamla skolan" in page
    assert "Vi vill göra om skolan till ett allaktivitetshus." in page


def test_html_in_a_title_is_shown_as_text(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:submit"), valid_form(title="<script>alert(1)</script>"))
    idea = Idea.objects.get()
    token = re.search(r"/track/([\w-]+)/", mail.outbox[0].body).group(1)
    page = client.get(reverse("ideas:track", kwargs={"token": token})).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert idea.title == "<script>alert(1)</script>"


def test_a_title_with_line_breaks_never_splits_a_mail_header(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:submit"), valid_form(title="Idé\r\nBcc: victim@example.org"))
    message = mail.outbox[0].message()
    assert message["Bcc"] is None
    assert "\n" not in Idea.objects.get().title


def test_reference_numbers_count_up_within_a_year(client):
    client.post(reverse("ideas:submit"), valid_form())
    client.post(reverse("ideas:submit"), valid_form(title="Andra idén"))
    references = sorted(Idea.objects.values_list("reference", flat=True))
    assert [ref[-4:] for ref in references] == ["0001", "0002"]


def test_the_page_is_in_swedish_by_default_and_english_on_request(client):
    assert '<html lang="sv"' in client.get(reverse("ideas:submit")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("ideas:submit")).content.decode()
    assert '<html lang="en"' in page
    assert "Submit your idea" in page


def test_the_form_asks_for_everything_in_fieldsets_with_legends_and_never_an_identity_number(
    client,
):
    page = client.get(reverse("ideas:submit")).content.decode()
    for name in (
        "title",
        "need",
        "description",
        "beneficiaries",
        "municipality",
        "place",
        "is_rural",
        "themes",
        "stage",
        "support_wanted",
        "submitter_name",
        "submitter_email",
        "submitter_phone",
        "organisation_name",
        "organisation_kind",
        "language",
        "consent",
        "share_contact_with_partners",
        "attachments",
    ):
        assert f'name="{name}"' in page, name
    assert page.count("<fieldset") >= 6
    assert page.count("<legend") >= 6
    assert 'enctype="multipart/form-data"' in page
    lowered = page.lower()
    assert "personnummer" not in lowered
    assert "identity number" not in lowered


def test_every_answer_of_the_full_form_is_stored_with_the_consent_version_and_time(client):
    from ideas.models import PRIVACY_TEXT_VERSION, SupportKind

    client.post(
        reverse("ideas:submit"),
        valid_form(
            share_contact_with_partners="on", submitter_phone="070-123 45 67", language="en"
        ),
    )

    idea = Idea.objects.get()
    assert idea.need.startswith("Byn saknar")
    assert idea.beneficiaries == "Alla i byn, särskilt äldre och unga."
    assert idea.municipality == municipality("1863")
    assert idea.place == "Grythyttan"
    assert idea.is_rural is True
    assert [t.slug for t in idea.themes.all()] == ["local-development"]
    assert idea.stage == "idea"
    assert list(idea.support_wanted.all()) == [SupportKind.objects.order_by("pk").first()]
    assert idea.submitter_name == "Anna Andersson"
    assert idea.submitter_phone == "070-123 45 67"
    assert idea.organisation_name == "Grythyttans byalag"
    assert idea.organisation_kind == "local_development_group"
    assert idea.language == "en"
    assert idea.share_contact_with_partners is True
    assert idea.consent_version == PRIVACY_TEXT_VERSION
    assert idea.consent_given_at is not None
    assert idea.channel == "web"


def test_sharing_contact_details_is_a_separate_choice_that_defaults_to_no(client):
    client.post(reverse("ideas:submit"), valid_form())
    assert Idea.objects.get().share_contact_with_partners is False


def test_a_phone_number_alone_is_enough_and_no_receipt_is_mailed(client):
    response = client.post(
        reverse("ideas:submit"),
        valid_form(submitter_email="", submitter_phone="+46 70 123 45 67"),
        follow=True,
    )
    idea = Idea.objects.get()
    assert idea.submitter_email == ""
    assert not Message.objects.exists()
    assert "/track/" in response.content.decode()


def test_without_email_or_phone_the_resident_is_asked_for_one_next_to_the_field(client):
    response = client.post(
        reverse("ideas:submit"), valid_form(submitter_email="", submitter_phone="")
    )
    page = response.content.decode()
    assert Idea.objects.count() == 0
    assert 'href="#id_submitter_email"' in page
    assert "id_submitter_email" in page and 'aria-invalid="true"' in page


def test_a_receipt_goes_out_in_the_language_the_resident_chose(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:submit"), valid_form(language="en"))
    assert Message.objects.get(kind=MessageKind.RECEIPT).language == "en"

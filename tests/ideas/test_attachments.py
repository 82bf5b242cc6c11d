"""Attachments: checked by content, kept out of public paths, downloaded only by the committee."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ideas.models import Idea, IdeaAttachment
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db
SUBMIT = "/idea/new/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit_with(client, *files):
    return client.post(SUBMIT, {**valid_form(), "attachments": list(files)})


def test_pdf_png_and_jpeg_are_stored_with_the_idea_by_their_content(client, settings):
    submit_with(
        client, upload("plan.pdf", PDF), upload("karta.png", PNG), upload("foto.jpeg", JPEG)
    )
    idea = Idea.objects.get()
    stored = {a.original_name: a for a in idea.attachments.all()}
    assert {a.content_type for a in stored.values()} == {
        "application/pdf",
        "image/png",
        "image/jpeg",
    }
    for attachment in stored.values():
        assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
        assert attachment.pk.hex in attachment.file.name
        assert "plan" not in attachment.file.name  # the resident's file name is not a path


def test_a_file_is_judged_by_its_content_not_its_name(client):
    response = submit_with(client, upload("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))
    assert Idea.objects.count() == 0
    page = response.content.decode()
    assert 'href="#id_attachments"' in page
    assert "virus.pdf" in page


def test_a_real_png_with_a_wrong_name_is_stored_as_a_png(client):
    submit_with(client, upload("bild.txt", PNG))
    assert IdeaAttachment.objects.get().content_type == "image/png"


def test_at_most_three_files(client):
    submit_with(client, *(upload(f"{n}.png", PNG) for n in range(4)))
    assert Idea.objects.count() == 0


def test_a_file_name_with_html_and_line_breaks_is_harmless(client):
    submit_with(client, upload("<b>x</b>\r\n.png", PNG))
    assert "\n" not in IdeaAttachment.objects.get().original_name


def test_there_is_no_public_url_for_media(client):
    from django.conf import settings

    submit_with(client, upload("plan.pdf", PDF))
    attachment = IdeaAttachment.objects.get()
    assert not getattr(settings, "MEDIA_URL", "").strip("/")
    assert client.get("/" + attachment.file.name).status_code == 404
    assert client.get("/media/" + attachment.file.name).status_code == 404


def test_the_committee_downloads_an_attachment_as_a_file_not_a_page(committee_client):
    submit_with(committee_client, upload("plan.pdf", PDF))
    attachment = IdeaAttachment.objects.get()

    response = committee_client.get(reverse("ideas:attachment", kwargs={"uuid": attachment.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="plan.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"  # the portal's middleware, as on every page
    assert b"".join(response.streaming_content) == PDF


def test_residents_partners_and_outreach_staff_cannot_download_attachments(
    client, partner_contact, outreach_staff
):
    submit_with(client, upload("plan.pdf", PDF))
    path = reverse("ideas:attachment", kwargs={"uuid": IdeaAttachment.objects.get().pk})
    assert client.get(path).status_code == 302  # to the login page
    for user in (partner_contact, outreach_staff):
        client.force_login(user)
        assert client.get(path).status_code == 403


def test_attachments_are_addressed_by_an_unguessable_id(client):
    submit_with(client, upload("plan.pdf", PDF))
    pk = IdeaAttachment.objects.get().pk
    assert re.fullmatch(r"[0-9a-f-]{36}", str(pk))
    assert pk.version == 4

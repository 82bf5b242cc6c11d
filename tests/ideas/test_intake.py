"""Assisted intake: outreach staff register ideas at a county meeting or on the caravan tour."""

import re

import pytest
from django.urls import reverse

from ideas.models import Channel, Idea, OutreachEvent
from portal.outbox.models import Message
from tests.factories import municipality

pytestmark = pytest.mark.django_db


def fast_form(**overrides) -> dict:
    from ideas.models import Theme

    data = {
        "title": "Bokbuss till byn",
        "description": "En bokbuss som stannar varannan vecka.",
        "municipality": municipality("1864").pk,
        "themes": [Theme.objects.get(slug="culture-leisure").pk],
        "stage": "idea",
        "organisation_kind": "private_person",
        "language": "sv",
        "consent_confirmed": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_choose_an_event_once_and_it_is_kept(staff_client, event):
    response = staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    assert response["Location"] == reverse("ideas:intake_new")
    page = staff_client.get(reverse("ideas:intake_new")).content.decode()
    assert "Karavanen i Kopparberg" in page
    assert 'value="Utanför Ica"' in page  # the event's place is filled in


def test_staff_can_add_a_new_event_on_the_spot(staff_client):
    staff_client.post(
        reverse("ideas:intake"),
        {
            "create": "1",
            "name": "Länsträff i Nora",
            "kind": "county_meeting",
            "municipality": municipality("1884").pk,
            "place": "Folkets hus",
            "date": "2026-11-28",
        },
    )
    event = OutreachEvent.objects.get()
    assert event.kind == "county_meeting"
    assert staff_client.session["ideas.outreach_event"] == event.pk


def test_the_fast_form_needs_an_event_first(staff_client):
    assert staff_client.get(reverse("ideas:intake_new"))["Location"] == reverse("ideas:intake")


def test_an_idea_without_email_is_tagged_and_gets_a_printable_receipt_with_a_qr_code(
    staff_client, event, outreach_staff
):
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})

    response = staff_client.post(reverse("ideas:intake_new"), fast_form(), follow=True)

    idea = Idea.objects.get()
    assert idea.outreach_event == event
    assert idea.channel == Channel.CARAVAN_TOUR
    assert idea.registered_by == outreach_staff
    assert idea.consent_version and idea.consent_given_at
    assert idea.submitter_email == ""
    assert not Message.objects.exists()
    page = response.content.decode()
    assert idea.reference in page
    assert "<svg" in page
    # The link is in the QR code, and written out short enough to type (test_paper_receipt.py).
    assert re.search(r"/t/IL-\d{4}-\d{4}/[0-9A-Z]{4}-[0-9A-Z]{4}/", page)


def test_with_an_email_the_resident_also_gets_the_receipt(staff_client, event):
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    staff_client.post(reverse("ideas:intake_new"), fast_form(submitter_email="c@example.org"))
    assert Message.objects.get().recipient == "c@example.org"


def test_staff_must_confirm_the_residents_consent(staff_client, event):
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    response = staff_client.post(reverse("ideas:intake_new"), fast_form(consent_confirmed=""))
    assert Idea.objects.count() == 0
    assert 'href="#id_consent_confirmed"' in response.content.decode()


def test_residents_and_committee_members_cannot_use_assisted_intake(client, committee_member):
    assert client.get(reverse("ideas:intake")).status_code == 302
    client.force_login(committee_member)
    assert client.get(reverse("ideas:intake")).status_code == 403
    assert client.post(reverse("ideas:intake_new"), fast_form()).status_code == 403


def test_the_fast_form_needs_the_csrf_token(outreach_staff, event):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(outreach_staff)
    session = client.session
    session["ideas.outreach_event"] = event.pk
    session.save()
    assert client.post(reverse("ideas:intake_new"), fast_form()).status_code == 403
    assert Idea.objects.count() == 0


def test_staff_attach_a_photo_online_checked_by_its_content(staff_client, event):
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    photo = SimpleUploadedFile("foto.png", png, content_type="image/png")
    response = staff_client.post(reverse("ideas:intake_new"), {**fast_form(), "attachments": photo})
    assert response["Location"] == reverse("ideas:intake_receipt")
    attachment = Idea.objects.get().attachments.get()
    assert attachment.content_type == "image/png" and attachment.file.read() == png
    fake = SimpleUploadedFile("bild.png", b"GIF89a not a png", content_type="image/png")
    response = staff_client.post(reverse("ideas:intake_new"), {**fast_form(), "attachments": fake})
    assert response.status_code == 200 and "bild.png" in response.content.decode()
    assert Idea.objects.count() == 1


def test_the_registered_page_says_where_the_tablets_own_list_is(staff_client, event):
    page = staff_client.get(reverse("ideas:intake_registered")).content.decode()
    assert 'id="registered-tablet"' in page and "surfplattans egen lista" in page

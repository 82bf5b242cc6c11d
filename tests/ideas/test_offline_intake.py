"""Ideas taken on a tablet with no network, stored once when the tablet syncs (/intake/sync/)."""

import datetime
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.forms import MAX_ATTACHMENTS
from ideas.models import PRIVACY_TEXT_VERSION, Channel, Idea, IdeaAttachment
from ideas.offline_intake import SYNC_MAX_IDEAS, offline_idea_store
from portal.outbox.models import Message
from portal.roles import Role
from tests.factories import UserFactory
from tests.ideas.test_intake import fast_form

pytestmark = pytest.mark.django_db


def queued(event, *, device_id=None, taken_at=None, **overrides) -> dict:
    """One idea the way static/js/intake-offline.js sends it: the form's fields as lists."""
    fields = {
        name: [str(v) for v in value] if isinstance(value, list) else [str(value)]
        for name, value in fast_form(**overrides).items()
    }
    return {
        "device_id": str(device_id or uuid.uuid4()),
        "event": event.pk,
        "consent_version": PRIVACY_TEXT_VERSION,
        "taken_at": (taken_at or timezone.now() - datetime.timedelta(minutes=20)).isoformat(),
        "fields": fields,
    }


def sync(client: Client, *ideas: dict, language: str = "sv"):
    return client.post(
        reverse("ideas:intake_sync"),
        data=json.dumps({"ideas": list(ideas)}),
        content_type="application/json",
        headers={"accept-language": language},
    )


def test_an_idea_taken_offline_is_stored_with_its_event_staff_and_consent(staff_client, event):
    taken = timezone.now() - datetime.timedelta(hours=2)
    item = queued(event, taken_at=taken, share_contact_with_partners="on", public_listing="on")
    response = sync(staff_client, item)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    [result] = response.json()["results"]
    idea = Idea.objects.get()
    assert result == {
        "device_id": item["device_id"],
        "state": "stored",
        "reference": idea.reference,
        "reasons": [],
    }
    assert str(idea.device_id) == item["device_id"]
    assert idea.outreach_event == event and idea.channel == Channel.CARAVAN_TOUR
    assert idea.registered_by.username == "uppsok"
    # The consent as given on the tablet: the text's version, the time it was given there,
    # and the resident's choices about sharing.
    assert idea.consent_version == PRIVACY_TEXT_VERSION
    assert idea.consent_given_at == taken
    assert idea.share_contact_with_partners and idea.public_listing
    assert idea.versions.count() == 1


def test_the_same_idea_arriving_twice_is_stored_once_with_the_same_reference(staff_client, event):
    item = queued(event, submitter_email="bo@example.org")
    first = sync(staff_client, item).json()["results"][0]
    # The answer was lost on the way (the connection broke): the tablet sends it again,
    # together with a new one, and once more in a second tab.
    other = queued(event, title="Laddstolpar vid bygdegården")
    again = sync(staff_client, item, other).json()["results"]
    third = sync(staff_client, item).json()["results"][0]
    assert again[0]["reference"] == first["reference"] == third["reference"]
    assert again[1]["state"] == "stored" and again[1]["reference"] != first["reference"]
    assert Idea.objects.count() == 2
    assert Idea.objects.filter(device_id=item["device_id"]).count() == 1
    # One receipt mail, not three.
    assert Message.objects.filter(recipient="bo@example.org").count() == 1


def test_an_idea_the_form_refuses_comes_back_with_the_reasons_in_the_staffs_language(
    staff_client, event
):
    item = queued(event, title="", consent_confirmed=None, submitter_email="not-an-address")
    [result] = sync(staff_client, item, language="sv").json()["results"]
    assert result["state"] == "refused" and result["reference"] == ""
    reasons = " ".join(result["reasons"])
    assert "Ge din idé ett kort namn" in reasons  # the title's label, in Swedish
    assert "e-postadress" in reasons
    assert Idea.objects.count() == 0
    [result] = sync(staff_client, item, language="en").json()["results"]
    assert "Give your idea a short name" in " ".join(result["reasons"])


def test_an_idea_shown_an_older_privacy_text_is_refused(staff_client, event):
    item = queued(event)
    item["consent_version"] = "2020-01"
    [result] = sync(staff_client, item, language="en").json()["results"]
    assert result["state"] == "refused"
    assert "privacy text has changed" in result["reasons"][0]
    assert Idea.objects.count() == 0


def test_an_idea_with_no_device_id_or_unknown_event_is_refused(staff_client, event):
    no_id = queued(event)
    no_id["device_id"] = "not-a-uuid"
    unknown = queued(event)
    unknown["event"] = event.pk + 1000
    results = sync(staff_client, no_id, unknown, "nonsense", language="en").json()["results"]
    assert [r["state"] for r in results] == ["refused"] * 3
    assert "no id from the tablet" in results[0]["reasons"][0]
    assert "event the idea was taken at is not known" in results[1]["reasons"][0]
    assert Idea.objects.count() == 0


def test_a_tablet_clock_in_the_future_or_far_past_is_kept_within_bounds(event, outreach_staff):
    now = timezone.now()
    future = offline_idea_store(
        queued=queued(event, taken_at=now + datetime.timedelta(days=3)),
        registered_by=outreach_staff,
    )
    past = offline_idea_store(
        queued=queued(event, taken_at=now - datetime.timedelta(days=30)),
        registered_by=outreach_staff,
    )
    assert future.stored and past.stored
    ideas = Idea.objects.order_by("created_at")
    assert ideas[0].consent_given_at <= timezone.now()
    assert ideas[1].consent_given_at >= now - datetime.timedelta(hours=24, minutes=1)


def test_unreadable_or_too_many_ideas_are_refused_whole(staff_client, event):
    url = reverse("ideas:intake_sync")
    broken = staff_client.post(url, data="{", content_type="application/json")
    assert broken.status_code == 400 and "error" in broken.json()
    assert staff_client.post(url, data="[]", content_type="application/json").status_code == 400
    many = [queued(event) for _ in range(SYNC_MAX_IDEAS + 1)]
    assert sync(staff_client, *many).status_code == 400
    assert Idea.objects.count() == 0


def test_only_logged_in_outreach_staff_may_sync(client, event):
    item = queued(event)
    assert sync(client, item).status_code == 302  # to the login page
    for role in (Role.COMMITTEE_MEMBER, Role.PARTNER_CONTACT):
        client.force_login(UserFactory(roles=[role]))
        assert sync(client, item).status_code == 403
    assert Idea.objects.count() == 0
    client.force_login(UserFactory(roles=[Role.OUTREACH_STAFF]))
    assert client.get(reverse("ideas:intake_sync")).status_code == 405
    assert sync(client, item).status_code == 200


def test_the_sync_needs_the_pages_csrf_token(outreach_staff, event):
    client = Client(enforce_csrf_checks=True)
    client.force_login(outreach_staff)
    assert sync(client, queued(event)).status_code == 403
    page = client.get(reverse("ideas:intake")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(
        reverse("ideas:intake_sync"),
        data=json.dumps({"ideas": [queued(event)]}),
        content_type="application/json",
        headers={"x-csrftoken": token},
    )
    assert response.status_code == 200
    assert Idea.objects.count() == 1


def test_the_intake_page_offers_the_offline_queue_and_the_worker_holds_no_data(staff_client, event):
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    response = staff_client.get(reverse("ideas:intake_new"))
    page = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert 'rel="manifest"' in page and "js/intake-offline.js" in page
    assert f'data-event="{event.pk}"' in page
    assert f'data-consent-version="{PRIVACY_TEXT_VERSION}"' in page
    assert 'data-max-hours="24"' in page
    # The panel is hidden without JavaScript: the form is sent as today.
    assert "data-offline-queue" in page and 'aria-labelledby="offline-queue-title" hidden' in page
    worker = Client().get(reverse("ideas:intake_worker"))
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert reverse("ideas:intake_new") in worker.content.decode()
    assert "Karavanen" not in worker.content.decode()


def test_the_queue_age_is_a_setting(staff_client, event, settings):
    settings.OFFLINE_QUEUE_MAX_HOURS = 6
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    assert 'data-max-hours="6"' in staff_client.get(reverse("ideas:intake_new")).content.decode()


@pytest.mark.parametrize(
    "fields",
    [None, "title=x", ["title"], {"title": "not a list"}, {"title": [1]}, {"themes": [["1"]]}],
)
def test_fields_not_sent_the_way_the_form_posts_them_are_refused(staff_client, event, fields):
    item = queued(event)
    item["fields"] = fields
    response = sync(staff_client, item, language="en")
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["state"] == "refused"
    assert "fields could not be read" in " ".join(result["reasons"])
    assert Idea.objects.count() == 0


def test_an_idea_taken_offline_keeps_its_answers_to_the_committees_questions(staff_client, event):
    """The tablet's form asks the coordinator's questions too: a required one is refused when
    left empty, and an answer reaches the idea with the wording it was given to."""
    from tests.ideas.test_form_questions import bus_question, field

    question = bus_question()
    [refused] = sync(staff_client, queued(event)).json()["results"]
    assert refused["state"] == "refused" and not Idea.objects.exists()
    assert any(question.versions.get().texts["sv"]["wording"] in r for r in refused["reasons"])

    item = queued(event, **{field(question): "Färdtjänst till vårdcentralen"})
    [stored] = sync(staff_client, item).json()["results"]
    answer = Idea.objects.get(reference=stored["reference"]).form_answers.get()
    assert answer.value == "Färdtjänst till vårdcentralen"
    assert answer.version == question.versions.get()


# Photos taken offline: sent as file parts next to the JSON (static/js/intake-offline.js).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def with_files(item: dict, *files: tuple[str, bytes]) -> tuple[dict, dict]:
    """The idea as the tablet announces its files, and the file parts it sends with it."""
    item = {**item, "files": [{"name": name, "type": "image/png"} for name, _ in files]}
    parts = {
        f"file-{item['device_id']}-{n}": SimpleUploadedFile(name, content, "image/png")
        for n, (name, content) in enumerate(files)
    }
    return item, parts


def sync_multipart(client: Client, *pairs: tuple[dict, dict]):
    data = {"ideas": json.dumps({"ideas": [item for item, _ in pairs]})}
    for _, parts in pairs:
        data.update(parts)
    return client.post(reverse("ideas:intake_sync"), data=data, headers={"accept-language": "en"})


def test_a_photo_taken_offline_is_stored_with_its_idea(staff_client, event):
    pair = with_files(queued(event), ("foto.png", PNG))
    [result] = sync_multipart(staff_client, pair, (queued(event, title="Utan bild"), {})).json()[
        "results"
    ][:1]
    assert result["state"] == "stored"
    idea = Idea.objects.get(reference=result["reference"])
    attachment = idea.attachments.get()
    assert attachment.content_type == "image/png" and attachment.original_name == "foto.png"
    assert attachment.file.read() == PNG
    assert IdeaAttachment.objects.count() == 1  # the other idea has none


def test_a_file_that_only_claims_to_be_a_png_is_refused_and_nothing_stored(staff_client, event):
    pair = with_files(queued(event), ("foto.png", b"<html>not a picture</html>"))
    [result] = sync_multipart(staff_client, pair).json()["results"]
    assert result["state"] == "refused"
    assert result["reasons"] == ["Attach files: “foto.png” is not a PDF, PNG or JPEG file."]
    assert not Idea.objects.exists() and not IdeaAttachment.objects.exists()


def test_too_many_or_too_big_files_are_refused(staff_client, event, monkeypatch):
    many = with_files(queued(event), *((f"{n}.png", PNG) for n in range(MAX_ATTACHMENTS + 1)))
    [result] = sync_multipart(staff_client, many).json()["results"]
    assert result["state"] == "refused"
    assert result["reasons"] == [f"Attach files: You can attach at most {MAX_ATTACHMENTS} files."]
    monkeypatch.setattr("ideas.forms.MAX_ATTACHMENT_BYTES", len(PNG) - 1)
    big = with_files(queued(event), ("stor.png", PNG))
    [result] = sync_multipart(staff_client, big).json()["results"]
    assert result["state"] == "refused"
    assert "“stor.png” is larger than" in result["reasons"][0]
    assert not Idea.objects.exists() and not IdeaAttachment.objects.exists()


def test_an_idea_whose_files_did_not_arrive_is_not_stored_without_them(staff_client, event):
    item, _parts = with_files(queued(event), ("foto.png", PNG))
    [result] = sync_multipart(staff_client, (item, {})).json()["results"]
    assert result["state"] == "refused"
    assert result["reasons"] == ["The idea's files did not arrive. Register the idea again online."]
    assert not Idea.objects.exists()


def test_an_idea_with_a_photo_arriving_twice_is_stored_once_files_too(staff_client, event):
    item, _ = with_files(queued(event), ("foto.png", PNG))
    first = sync_multipart(staff_client, with_files(item, ("foto.png", PNG))).json()["results"]
    again = sync_multipart(staff_client, with_files(item, ("foto.png", PNG))).json()["results"]
    assert first[0]["reference"] == again[0]["reference"]
    assert Idea.objects.count() == 1 and IdeaAttachment.objects.count() == 1


def test_the_intake_page_gives_the_tablet_the_file_limits_and_the_receipts(staff_client, event):
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    page = staff_client.get(reverse("ideas:intake_new")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'data-max-files="{MAX_ATTACHMENTS}"' in page
    assert 'accept="image/png,image/jpeg,application/pdf"' in page
    # A provisional receipt for each language a resident may choose, in that language.
    assert page.count("<template data-offline-receipt-language=") == 4
    assert "Tillfällig kod" in page and "رمز مؤقت" in page

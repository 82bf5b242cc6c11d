"""Proof of authorship: the receipt (page, mail, printed receipt) and the tracking page carry the
time of submission and the fingerprint of the idea as sent; what was sent is never overwritten,
and the owner can always see it."""

import hashlib
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from ideas import authorship, services
from ideas.forms import IDEA_FIELDS
from ideas.models import Idea, IdeaVersion, SupportKind, Theme
from portal.outbox.models import Message, MessageKind
from tests.factories import IdeaFactory, UserFactory, municipality
from tests.ideas.conftest import valid_form
from tests.ideas.test_intake import fast_form

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FINGERPRINT = re.compile(r"\b[0-9a-f]{64}\b")
TIME_LABEL = {
    "sv": "Inskickad (svensk tid)",
    "en": "Time of submission (Swedish time)",
    "ar": "وقت الإرسال (بتوقيت السويد)",
}
PROOF_TITLE = {
    "sv": "Bevis på att idén är din",
    "en": "Proof that the idea is yours",
    "ar": "إثبات أن الفكرة فكرتك",
}


def shown_time(idea: Idea, language: str) -> str:
    """The time of submission as the owner reads it: Swedish time, in their language."""
    at = localtime(idea.created_at, ZoneInfo("Europe/Stockholm"))
    with translation.override(language):
        return f"{date_format(at, 'DATE_FORMAT')} {date_format(at, 'TIME_FORMAT')}"


def json_string(text: str) -> str:
    """A JSON string as the documented form writes it (not through the json module)."""
    escapes = {
        '"': '\\"',
        "\\": "\\\\",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\b": "\\b",
        "\f": "\\f",
    }
    return (
        '"'
        + "".join(
            escapes.get(char, f"\\u{ord(char):04x}" if ord(char) < 0x20 else char) for char in text
        )
        + '"'
    )


def json_list(items: list[str]) -> str:
    return "[" + ",".join(json_string(item) for item in items) + "]"


def test_the_fingerprint_is_the_sha256_of_the_form_its_docstring_documents():
    themes = [Theme.objects.get(slug="local-development"), Theme.objects.get(slug="broadband")]
    support = [SupportKind.objects.order_by("pk").first()]
    png = SimpleUploadedFile("karta.png", PNG, content_type="image/png")
    title, need = 'Byns "hus" \\ Ödeshög', "Ingen plats.\r\nInga bussar."
    description = "Ett hus för alla — مرحبا\tvälkomna."
    submitted = services.idea_submit(
        title=title,
        need=need,
        description=description,
        beneficiaries="",
        municipality=municipality("1885"),
        place="Ramsberg",
        is_rural=True,
        stage="started",
        themes=themes,
        support_wanted=support,
        submitter_name="Märta O'Hara-Öberg",
        submitter_email="marta@example.org",
        attachments=[services.Attachment(upload=png, name="karta.png", content_type="image/png")],
    )
    idea = submitted.idea
    at = idea.created_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Keys in code point order, no whitespace, letters as themselves.
    canonical = (
        "{"
        f'"attachments":{json_list([hashlib.sha256(PNG).hexdigest()])},'
        '"beneficiaries":"",'
        f'"description":{json_string(description)},'
        '"format":1,'
        '"is_rural":true,'
        '"municipality":"1885",'
        f'"need":{json_string(need)},'
        '"place":"Ramsberg",'
        f'"recorded_at":"{at}",'
        f'"reference":"{idea.reference}",'
        '"stage":"started",'
        f'"support_wanted":{json_list([support[0].slug])},'
        f'"themes":{json_list(sorted(theme.slug for theme in themes))},'
        f'"title":{json_string(title)},'
        '"version":1'
        "}"
    )
    assert '\\"hus\\" \\\\ Ödeshög' in canonical and "\\r\\n" in canonical
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    assert submitted.original.fingerprint == expected
    assert authorship.canonical_bytes(submitted.original.content) == canonical.encode("utf-8")
    # What the receipt says is what the stored original hashes to, read back from the database.
    stored = IdeaVersion.objects.get(idea=idea, number=1)
    assert authorship.fingerprint(stored.content) == stored.fingerprint == expected
    # Who sent it stays out: erasing it leaves the proof true, and nobody can test names on it.
    assert "Märta" not in canonical and "marta@example.org" not in canonical


def test_the_fingerprint_covers_every_field_of_the_idea_form_that_says_what_the_idea_is():
    assert set(authorship.CONTENT_FIELDS) | set(authorship.OWNER_FIELDS) == set(IDEA_FIELDS)
    assert not set(authorship.CONTENT_FIELDS) & set(authorship.OWNER_FIELDS)
    assert list(authorship.CONTENT_FIELDS) == [
        name for name in IDEA_FIELDS if name in authorship.CONTENT_FIELDS
    ]


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_the_receipt_page_the_receipt_mail_and_the_tracking_page_carry_the_same_proof(
    client, django_capture_on_commit_callbacks, language
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    with django_capture_on_commit_callbacks(execute=True):
        receipt_page = client.post(
            reverse("ideas:submit"), valid_form(language=language), follow=True
        ).content.decode()

    idea = Idea.objects.get()
    original = IdeaVersion.objects.get(idea=idea, number=1)
    fingerprint, at = original.fingerprint, shown_time(idea, language)
    assert authorship.fingerprint(original.content) == fingerprint
    assert original.content["recorded_at"] == authorship.utc_seconds(idea.created_at)

    assert FINGERPRINT.findall(receipt_page) == [fingerprint]
    assert TIME_LABEL[language] in receipt_page and at in receipt_page

    # The mail as delivered, in the owner's language.
    stored = Message.objects.get(kind=MessageKind.RECEIPT)
    assert stored.language == language
    (sent,) = mail.outbox
    html = sent.alternatives[0][0]
    for body in (sent.body, html):
        assert FINGERPRINT.findall(body) == [fingerprint]
        assert TIME_LABEL[language] in body and at in body
    assert f'<html lang="{language}"' in html

    token = re.search(r"/track/([\w-]+)/", sent.body).group(1)
    tracking = client.get(reverse("ideas:track", kwargs={"token": token})).content.decode()
    proof = tracking[tracking.index('id="proof"') :]
    assert PROOF_TITLE[language] in proof
    assert FINGERPRINT.findall(tracking) == [fingerprint]
    assert at in proof and TIME_LABEL[language] in proof
    assert reverse("ideas:original", kwargs={"token": token}) in proof
    for other in {"sv", "en", "ar"} - {language}:
        assert TIME_LABEL[other] not in receipt_page + sent.body + tracking


def test_the_printed_outreach_receipt_carries_the_proof_in_the_residents_language(
    staff_client, event
):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})

    page = staff_client.post(
        reverse("ideas:intake_new"), fast_form(language="ar"), follow=True
    ).content.decode()

    idea = Idea.objects.get()
    receipt = page[page.index('class="receipt"') : page.index("Registrera nästa idé")]
    assert FINGERPRINT.findall(receipt) == [idea.versions.get(number=1).fingerprint]
    assert TIME_LABEL["ar"] in receipt and shown_time(idea, "ar") in receipt
    assert TIME_LABEL["sv"] not in receipt


def admin_edit(client, idea: Idea, **changes) -> None:
    """Change the idea's fields in the Django admin, as an administrator does."""
    url = reverse("admin:ideas_idea_change", args=[idea.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "themes": [theme.pk for theme in idea.themes.all()],
            "support_wanted": [kind.pk for kind in idea.support_wanted.all()],
            **{
                f"{prefix}-{key}": value
                for prefix in ("events", "questions", "attachments")
                for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
            },
        }
    )
    data["events-TOTAL_FORMS"] = data["events-INITIAL_FORMS"] = idea.events.count()
    for index, event in enumerate(idea.events.all()):
        data[f"events-{index}-id"] = event.pk
        data[f"events-{index}-idea"] = idea.pk
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_an_admins_edit_is_a_new_version_and_the_owner_still_sees_the_original(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.idea_submit(
            title="Bybuss till Ramsberg",
            description="En buss två gånger i veckan.",
            municipality=municipality("1885"),
            themes=[Theme.objects.first()],
            submitter_email="bo@example.org",
            language="en",
        )
    idea = submitted.idea
    receipt_fingerprint = FINGERPRINT.search(mail.outbox[0].body).group(0)

    admin_edit(admin_client, idea, title="Ringbuss för hela Lindesberg")

    idea.refresh_from_db()
    assert idea.title == "Ringbuss för hela Lindesberg"
    first, second = idea.versions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.content["title"] == "Bybuss till Ramsberg"
    assert second.content["title"] == "Ringbuss för hela Lindesberg"
    assert second.actor.username == "admin"
    # The original still hashes to what the receipt said.
    assert authorship.fingerprint(first.content) == first.fingerprint == receipt_fingerprint
    assert second.fingerprint != receipt_fingerprint

    owner = admin_client.__class__()
    token = submitted.tracking_token
    tracking = owner.get(reverse("ideas:track", kwargs={"token": token})).content.decode()
    assert FINGERPRINT.findall(tracking) == [receipt_fingerprint]
    page = owner.get(reverse("ideas:original", kwargs={"token": token})).content.decode()
    assert "Your idea as you sent it" in page
    assert "The idea has been changed since you sent it" in page
    assert "Bybuss till Ramsberg" in page and "Ringbuss" not in page
    # The text the page gives to check the fingerprint hashes to it.
    canonical = re.search(r'<pre[^>]*id="canonical">(.*?)</pre>', page, re.S).group(1)
    canonical = canonical.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == receipt_fingerprint


def test_an_admins_edit_of_the_owners_details_only_leaves_the_versions_as_they_are(admin_client):
    submitted = services.idea_submit(
        title="Bybuss",
        description="En buss.",
        municipality=municipality("1885"),
        themes=[Theme.objects.first()],
        submitter_email="bo@example.org",
    )

    admin_edit(admin_client, submitted.idea, submitter_email="ny@example.org")

    assert list(submitted.idea.versions.values_list("number", flat=True)) == [1]


def test_an_idea_sent_before_versions_were_kept_shows_no_proof_and_gets_no_false_original(
    admin_client,
):
    idea = IdeaFactory(title="Gammal idé")
    token = idea.new_tracking_token()
    idea.save()

    admin_edit(admin_client, idea, title="Ändrad idé")

    assert not idea.versions.exists()
    owner = admin_client.__class__()
    assert (
        'id="proof"'
        not in owner.get(reverse("ideas:track", kwargs={"token": token})).content.decode()
    )
    assert owner.get(reverse("ideas:original", kwargs={"token": token})).status_code == 404


def test_erasure_keeps_the_proof_and_no_version_holds_the_owners_details(client):
    submitted = services.idea_submit(
        title="Laddstolpe",
        description="En laddstolpe vid bygdegården.",
        municipality=municipality("1864"),
        themes=[Theme.objects.first()],
        submitter_name="Märta O'Hara-Öberg",
        submitter_email="marta@example.org",
        submitter_phone="070-123 45 67",
        organisation_name="Byalaget Öberg",
    )
    fingerprint = submitted.original.fingerprint

    services.idea_erase_personal_data(idea=submitted.idea)

    original = IdeaVersion.objects.get(idea=submitted.idea, number=1)
    assert original.fingerprint == fingerprint == authorship.fingerprint(original.content)
    stored = json.dumps(list(IdeaVersion.objects.values()), ensure_ascii=False, default=str)
    for value in ("Märta", "O'Hara", "marta@example.org", "070-123 45 67", "Byalaget"):
        assert value not in stored
    page = client.get(reverse("ideas:track", kwargs={"token": submitted.tracking_token}))
    assert fingerprint in page.content.decode()


def test_the_owners_data_download_holds_the_versions_and_the_files_fingerprints(client):
    png = SimpleUploadedFile("karta.png", PNG, content_type="image/png")
    submitted = services.idea_submit(
        title="Karta",
        description="En karta.",
        municipality=municipality("1864"),
        themes=[Theme.objects.first()],
        submitter_email="bo@example.org",
        attachments=[services.Attachment(upload=png, name="karta.png", content_type="image/png")],
    )

    response = client.post(reverse("ideas:my_data", kwargs={"token": submitted.tracking_token}))

    data = json.loads(response.content)
    (version,) = data["versions"]
    assert version["version"] == 1 and version["fingerprint"] == submitted.original.fingerprint
    assert version["content"]["title"] == "Karta"
    assert data["attachments"][0]["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert version["content"]["attachments"] == [hashlib.sha256(PNG).hexdigest()]

"""Erasure reaches every copy: a person whose name has an apostrophe, a hyphen and Swedish
letters sends an idea with a file named after her, saves a draft, answers a question with her
phone number, gets mail (sent and queued) and is referred to partners with her contact details;
she erases her data from the tracking page. Afterwards a dump of every table (each column read
as text, and `manage.py dumpdata`), every session, the media folder (names and bytes) and the
mail folder (each mail's bytes as they went, and decoded) holds no form of her name, address,
phone number or organisation: as typed, case-folded, HTML-escaped in each form Django writes,
header-encoded (RFC 2047), URL-encoded, the phone in any spacing.

Runs on SQLite (`make test`) and PostgreSQL (`make test-services`, DATABASE_URL set)."""

import io
import json
import os
import re
from email import policy
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.parser import BytesParser
from urllib.parse import quote, quote_plus

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ideas import workflow
from ideas.models import Idea, IdeaAttachment, IdeaDraft, IdeaQuestion, IdeaVersion
from ideas.services import idea_ask_question, idea_transition
from portal.outbox.models import Message, MessageKind, MessageState
from portal.outbox.services import message_enqueue
from portal.roles import Role
from tests.factories import PartnerFactory, UserFactory
from tests.ideas.conftest import valid_form
from triage.referrals.answers import referral_answer
from triage.referrals.models import Referral, ReferralState
from triage.referrals.relay import relay_to_owner, relay_to_partner
from triage.referrals.selectors import owner_details_deletion_notices
from triage.referrals.services import idea_refer
from triage.review.services import note_add

pytestmark = pytest.mark.django_db(transaction=False)

NAME = "Märta O'Hara-Öberg"
SURNAME = "O'Hara-Öberg"
ORGANISATION = "Föreningen Märtas Å-café"
PHONE = "070-123 45 67"
EMAIL = "marta.ohara@example.se"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + NAME.encode() + b"\x00" * 32


def _header_forms(value: str) -> set[str]:
    forms = {Header(value, "utf-8").encode()}
    for encoding in (QP, BASE64):
        charset = Charset("utf-8")
        charset.header_encoding = encoding
        forms.add(Header(value, charset).encode())
    return forms


def _text_forms(value: str) -> set[str]:
    """The forms a text can be stored in: as typed, HTML-escaped (every escape Django has
    written for an apostrophe), header-encoded and URL-encoded."""
    forms = {value, str(escape(value))}
    forms |= {value.replace("'", escape_form) for escape_form in ("&#39;", "&#x27;", "&apos;")}
    forms |= _header_forms(value)
    forms |= {quote(value), quote_plus(value), quote(value, safe="")}
    return forms


def _phone_forms(phone: str) -> set[str]:
    digits = re.sub(r"\D", "", phone)  # 0701234567
    national = digits[1:]
    return {
        phone,
        digits,
        "070-1234567",
        "070 123 45 67",
        "070-123-45-67",
        "+46" + national,
        "+46 70 123 45 67",
        "+46 70-123 45 67",
        "0046" + national,
    }


FORMS = {
    "name": _text_forms(NAME),
    "surname": _text_forms(SURNAME),
    # Each half of her double surname names her too.
    "surname half": _text_forms("O'Hara") | _text_forms("Öberg"),
    "organisation": _text_forms(ORGANISATION),
    "email": _text_forms(EMAIL) | {EMAIL.replace("@", "%40"), EMAIL.upper()},
    "phone": _phone_forms(PHONE),
}


def found_in(text: str, where: str) -> list[str]:
    """Which of her details `text` holds in any form, case-folded, with where it was."""
    folded = text.casefold()
    # Runs of whitespace (a line wrapped in a body) count as one space.
    squeezed = re.sub(r"\s+", " ", folded)
    hits = []
    for what, forms in FORMS.items():
        for form in forms:
            needle = form.casefold()
            if needle in folded or needle in squeezed:
                hits.append(f"{what} ({form!r}) in {where}")
                break
    return hits


def every_table() -> list[str]:
    """Every row of every model, each column read as text."""
    hits = []
    for model in apps.get_models():
        fields = [field.attname for field in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*fields).iterator():
            text = " | ".join(
                json.dumps(value, ensure_ascii=False, default=str)
                if isinstance(value, dict | list)
                else str(value)
                for value in row
            )
            hits += found_in(text, model._meta.db_table)
    return hits


def dumpdata() -> list[str]:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dumped = out.getvalue()
    # The JSON may write letters as \u escapes: read it back as well as it stands.
    text = dumped + json.dumps(json.loads(dumped), ensure_ascii=False)
    return found_in(text, "dumpdata")


def every_session(pointers: dict) -> list[str]:
    """Her details in any session, and sessions that point at her idea (its reference, its
    tracking token) or at one of her drafts."""
    hits = []
    for session in Session.objects.all():
        data = session.get_decoded()
        text = json.dumps(data, ensure_ascii=False, default=str)
        where = f"session {session.session_key[:6]}"
        hits += found_in(text, where)
        hits += [f"{marker!r} in {where}" for marker in pointers["markers"] if marker in text]
        if data.get("ideas.draft") in pointers["drafts"]:
            hits.append(f"her draft in {where}")
    return hits


def folder(path) -> list[str]:
    hits = []
    for root, _dirs, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            hits += found_in(full, "a file name")
            with open(full, "rb") as handle:
                raw = handle.read()
            hits += found_in(raw.decode("utf-8", "replace"), full)
            hits += found_in(raw.decode("latin-1"), full)
    return hits


def mail_folder(path) -> list[str]:
    """Each mail's bytes as they went, and each of its headers and parts decoded."""
    hits = folder(path)
    for root, _dirs, files in os.walk(path):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                parsed = BytesParser(policy=policy.default).parsebytes(handle.read())
            texts = [f"{key}: {value}" for key, value in parsed.items()]
            for part in parsed.walk():
                if not part.is_multipart():
                    texts.append(str(part.get_content()))
            hits += found_in("\n".join(texts), f"mail {name}")
    return hits


def everything(settings, pointers: dict) -> list[str]:
    return (
        every_table()
        + dumpdata()
        + every_session(pointers)
        + folder(settings.MEDIA_ROOT)
        + mail_folder(settings.EMAIL_FILE_PATH)
    )


@pytest.fixture
def stored_copies(settings, tmp_path):
    """Files and mail go to folders of this test, as the embedded defaults write them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return settings


def _her_life(django_capture_on_commit_callbacks) -> dict:
    """Everything she does, and the committee and partners with her, until she erases."""
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    partners = [PartnerFactory(), PartnerFactory()]
    resident = Client()
    her = {
        "submitter_name": NAME,
        "submitter_email": EMAIL,
        "submitter_phone": PHONE,
        "organisation_name": ORGANISATION,
        "organisation_kind": "association",
        "share_contact_with_partners": "on",
        "title": "Å-caféet i Märtas by",
        "description": f"Jag heter {NAME} och driver {ORGANISATION}. Ring {PHONE}.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        # A draft she saves and never sends, and opens again from its mail on another device.
        resident.post(
            reverse("ideas:submit"),
            {**valid_form(consent="", **{**her, "title": "Utkast om Å-caféet"}), "save_draft": "1"},
        )
        draft_mail = Message.objects.get(recipient=EMAIL)
        draft_link = re.search(r"/idea/draft/[\w-]+/", draft_mail.body_text).group(0)
        other_device = Client()
        assert other_device.get(draft_link, follow=True).status_code == 200
        # The idea, with a photo named after her.
        photo = SimpleUploadedFile(f"{NAME} på caféet.png", PNG, content_type="image/png")
        resident.post(reverse("ideas:submit"), {**valid_form(**her), "attachments": [photo]})
    idea = Idea.objects.get(submitter_email=EMAIL)
    token = resident.session["ideas.submitted"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        for step in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
            idea_transition(idea=idea, to=step, actor=coordinator, message_to_owner=f"Hej {NAME}!")
        idea_ask_question(idea=idea, question=f"Hur når vi {ORGANISATION}?", actor=coordinator)
        answer = reverse("ideas:answer", kwargs={"token": token})
        resident.post(answer, {"answer": f"Ring mig på {PHONE} eller +46 70 123 45 67."})
        note_add(idea=idea, author=coordinator, body=f"{NAME} ringde om caféet.")
        idea.refresh_from_db()
        idea_refer(
            idea=idea,
            partners=partners,
            note_to_partners=f"{NAME} vill ha hjälp.",
            actor=coordinator,
        )
        first = Referral.objects.get(idea=idea, partner=partners[0])
        referral_answer(
            referral=first,
            kind="question",
            # A number written as the partner writes it, an address as a link pastes it.
            text=f"Kan vi ringa {NAME} på 0701234567? mailto:{quote(EMAIL, safe='')}",
            contact=partners[0].contacts.get(),
        )
        # A decline whose words for the owner name her (the ledger shows them to her).
        referral_answer(
            referral=Referral.objects.get(idea=idea, partner=partners[1]),
            kind="decline",
            text="Utanför vårt område.",
            reason_for_owner=f"Tyvärr, {NAME}: vi finns inte i Lindesberg.",
            contact=partners[1].contacts.get(),
        )
        # The partner writes to her through the portal and she answers with her number.
        relay_to_owner(
            referral=first,
            text=f"Hej {NAME}, kan vi ses i Ramsberg?",
            contact=partners[0].contacts.get(),
        )
        relay_to_partner(idea=idea, public_id=first.public_id, text=f"Gärna! Ring {PHONE}. /{NAME}")
    # A mail to her still queued when she erases.
    with django_capture_on_commit_callbacks(execute=False):
        queued = message_enqueue(
            kind=MessageKind.STATUS_CHANGE,
            recipient=EMAIL,
            template="tracking_link",
            context={"idea": idea, "tracking_url": "https://example.org/x"},
            language="sv",
            idempotency_key="test:queued-to-her",
            about=idea,
        )
    return {
        "idea": idea,
        "token": token,
        "resident": resident,
        "queued": queued,
        "draft_mail": draft_mail,
        "partners": partners,
        "coordinator": coordinator,
    }


def test_erasing_a_person_leaves_no_form_of_her_in_any_table_file_session_or_mail(
    stored_copies, django_capture_on_commit_callbacks
):
    life = _her_life(django_capture_on_commit_callbacks)
    idea = life["idea"]
    pointers = {
        "markers": {idea.reference, life["token"]},
        "drafts": set(IdeaDraft.objects.values_list("pk", flat=True)),
    }
    before = everything(stored_copies, pointers)
    # Every place the search reads holds her before: the search can see her where she is.
    for where in ("ideas_idea", "ideas_ideadraft", "ideas_ideaquestion", "outbox_message"):
        assert any(where in hit for hit in before), where
    assert any("dumpdata" in hit for hit in before)
    assert any(hit.startswith("name") and "mail " in hit for hit in before)
    assert any("a file name" in hit or "media" in hit for hit in before)
    assert any("in session" in hit and "'IL-" in hit for hit in before)
    assert any(hit.startswith("her draft in session") for hit in before)
    assert IdeaDraft.objects.filter(email=EMAIL).exists()
    fingerprint_sent = IdeaVersion.objects.get(idea=idea, number=1).fingerprint
    before_page = life["resident"].get(reverse("ideas:original", kwargs={"token": life["token"]}))
    assert "togs bort ur texten" not in before_page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = life["resident"].post(
            reverse("ideas:erase", kwargs={"token": life["token"]}), follow=True
        )
    assert response.status_code == 200

    assert everything(stored_copies, pointers) == []
    # The idea is kept, anonymised, with its history and its proof.
    idea.refresh_from_db()
    assert idea.anonymised_at is not None and idea.reference
    assert "Å-caféet" in idea.title and "[erased]" in idea.description
    original = IdeaVersion.objects.get(idea=idea, number=1)
    assert original.fingerprint == fingerprint_sent
    assert "[erased]" in original.content["description"]
    shown = life["resident"].get(reverse("ideas:original", kwargs={"token": life["token"]}))
    page = shown.content.decode()
    assert fingerprint_sent in page
    assert "togs bort ur texten när du raderade dina personuppgifter" in page
    assert "Fingeravtrycket är SHA-256 av den här texten" not in page
    answer = IdeaQuestion.objects.get(idea=idea).answer
    assert answer == "Ring mig på [erased] eller [erased]."
    # The file is gone from disk; the row says there was one.
    attachment = IdeaAttachment.objects.get(idea=idea)
    assert not attachment.file and attachment.original_name == "[erased].png"
    assert attachment.size == len(PNG) and attachment.sha256
    assert list((stored_copies.MEDIA_ROOT / "attachments").iterdir()) == []
    # Her drafts are deleted; the queued mail is stopped and nothing goes to her.
    assert not IdeaDraft.objects.exists()
    life["queued"].refresh_from_db()
    assert life["queued"].state == MessageState.FAILED and life["queued"].recipient == ""
    assert not Message.objects.filter(recipient__iexact=EMAIL).exists()
    # Each partner that had her details was told to delete them, and the record says so.
    referrals = list(idea.referrals.order_by("pk"))
    notices = owner_details_deletion_notices(idea)
    assert set(notices) == {referral.pk for referral in referrals}
    told = Message.objects.filter(idempotency_key__contains=":erasure:")
    assert {message.recipient for message in told} == {
        partner.contacts.get().email for partner in life["partners"]
    }
    assert all(message.state == MessageState.SENT for message in told)


def test_after_the_erasure_no_stored_mail_to_her_can_be_sent_again(
    stored_copies, django_capture_on_commit_callbacks
):
    life = _her_life(django_capture_on_commit_callbacks)
    to_her = list(Message.objects.filter(recipient=EMAIL).values_list("pk", flat=True))
    assert life["draft_mail"].pk in to_her and len(to_her) >= 4
    with django_capture_on_commit_callbacks(execute=True):
        life["resident"].post(reverse("ideas:erase", kwargs={"token": life["token"]}))
    sent_before = {path.name for path in stored_copies.EMAIL_FILE_PATH.iterdir()}

    committee = Client()
    committee.force_login(life["coordinator"])
    refusal = "Meddelandet kan inte skickas igen: mottagaren har raderat sina personuppgifter."
    with django_capture_on_commit_callbacks(execute=True):
        for pk in to_her:
            page = committee.post(
                reverse("outbox:resend", args=[pk]), {"again": "yes"}, follow=True
            ).content.decode()
            assert refusal in page, pk
            assert "ligger i kön igen" not in page

    assert {path.name for path in stored_copies.EMAIL_FILE_PATH.iterdir()} == sent_before
    assert not Message.objects.filter(pk__in=to_her, state=MessageState.QUEUED).exists()
    assert not Message.objects.filter(pk__in=to_her).exclude(recipient="").exists()


def test_the_outbox_admin_says_why_a_mail_to_an_erased_address_was_not_sent(
    stored_copies, django_capture_on_commit_callbacks
):
    life = _her_life(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        life["resident"].post(reverse("ideas:erase", kwargs={"token": life["token"]}))
    admin = Client()
    admin.force_login(UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True))

    response = admin.post(
        reverse("admin:outbox_message_changelist"),
        {"action": "resend", "_selected_action": [life["draft_mail"].pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "1 meddelande skickades inte igen: mottagaren har raderat sina personuppgifter." in (
        page
    )
    life["draft_mail"].refresh_from_db()
    assert life["draft_mail"].state == MessageState.SENT and life["draft_mail"].recipient == ""


def test_the_committee_sees_that_the_erased_file_was_there_and_cannot_download_it(
    stored_copies, django_capture_on_commit_callbacks
):
    life = _her_life(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        life["resident"].post(reverse("ideas:erase", kwargs={"token": life["token"]}))
    committee = Client()
    committee.force_login(life["coordinator"])
    attachment = IdeaAttachment.objects.get()

    page = committee.get(reverse("triage:idea_detail", args=[life["idea"].reference]))
    download = committee.get(reverse("ideas:attachment", args=[attachment.pk]))

    assert "En fil, raderad när idébäraren raderade sina personuppgifter" in page.content.decode()
    assert reverse("ideas:attachment", args=[attachment.pk]) not in page.content.decode()
    assert download.status_code == 404
    assert ReferralState.QUESTION in {r.state for r in life["idea"].referrals.all()}

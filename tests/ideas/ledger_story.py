"""One idea's story with partners in every state, for the ledger and "my data" tests.

Bo Berg sends an idea (consenting to share his contact details), answers a question, and the
coordinator refers it to six partners: one has not answered, one accepts, one declines with a
text for the committee and one for Bo (through the partner's answer page), one asks the committee
a question, one accepts and reports support, and one referral is cancelled. Another owner's idea
goes to one of the same partners, with answers of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.test import Client
from django.urls import reverse

from ideas import services, workflow
from ideas.models import Idea, SupportKind, Theme
from portal.outbox.models import Message, MessageKind
from portal.roles import Role
from tests.factories import PartnerFactory, UserFactory, municipality
from triage.models import Referral
from triage.referrals.answers import referral_answer, support_report
from triage.referrals.services import idea_refer, referral_cancel

OWNER_EMAIL = "bo.berg@example.org"
OWNER_PHONE = "070-999 88 77"
# What partners write for the committee only: never on the owner's pages or in their data.
COMMITTEE_DECLINE = "INTERNT: för liten budget, säg inget till ägaren"
COMMITTEE_QUESTION = "INTERNT: är ägaren pålitlig?"
COMMITTEE_SUPPORT = "INTERNT: vi lånade ut lokalen gratis"
CANCEL_REASON = "INTERNT: partnern har för mycket att göra"
NOTE_TO_PARTNERS = "INTERNT: titta på bygglovet"
# What the declining partner wrote for the owner.
REASON_FOR_OWNER = "Vi arbetar inte i Nora i år, men fråga gärna Studieförbundet."
# The other owner's words, which Bo must never see.
OTHER_REASON = "Till Eva: vi hör av oss i höst."
OTHER_DRAFT_TITLE = "Evas utkast om skolskjuts"
OWN_DRAFT_TITLE = "Bos utkast om bussen"
LINK = re.compile(r"https?://[^/\s]+(/referral/answer/[^/\s]+/)")


@dataclass
class Story:
    idea: Idea
    token: str
    referrals: dict[str, Referral]
    other_idea: Idea
    contact_emails: list[str] = field(default_factory=list)

    def url(self, name: str) -> str:
        return reverse(f"ideas:{name}", kwargs={"token": self.token})


def answer_link(referral: Referral) -> str:
    message = Message.objects.get(
        kind=MessageKind.REFERRAL, idempotency_key__startswith=f"referral:{referral.pk}:contact:"
    )
    match = LINK.search(message.body_text)
    assert match
    return match.group(1)


def _submit(language: str, **fields: object) -> services.SubmittedIdea:
    return services.idea_submit(
        title="Laddstolpe vid bygdegården",
        description="En laddstolpe för elbilar vid bygdegården.",
        municipality=municipality("1884"),
        themes=[Theme.objects.order_by("pk").first()],
        language=language,
        **fields,  # type: ignore[arg-type]
    )


def tell_story(coordinator, language: str = "sv", partners: int = 6, prefix: str = "") -> Story:
    submitted = _submit(
        language,
        submitter_name="Bo Berg",
        submitter_email=OWNER_EMAIL,
        submitter_phone=OWNER_PHONE,
        share_contact_with_partners=True,
    )
    idea = submitted.idea
    services.draft_save(data={"title": [OWN_DRAFT_TITLE]}, email=OWNER_EMAIL, language=language)
    services.draft_save(
        data={"title": [OTHER_DRAFT_TITLE]}, email="eva.annan@example.org", language="sv"
    )
    services.idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=coordinator)
    services.idea_ask_question(idea=idea, question="Hur många bor i byn?", actor=coordinator)
    services.idea_answer_question(idea=Idea.objects.get(pk=idea.pk), answer="Ungefär 300.")

    names = ["Väntar AB", "Ja-föreningen", "Nej-föreningen", "Fråge-förbundet", "Stöd-byalaget"]
    names += ["Återkallade studieförbundet"]
    chosen = [PartnerFactory(name=prefix + name) for name in names[:partners]]
    made = idea_refer(
        idea=Idea.objects.get(pk=idea.pk),
        partners=chosen,
        note_to_partners=NOTE_TO_PARTNERS,
        actor=coordinator,
    )
    by_name = {referral.partner.name.removeprefix(prefix): referral for referral in made}
    if partners >= 6:
        contact = by_name["Ja-föreningen"].partner.contacts.get()
        referral_answer(referral=by_name["Ja-föreningen"], kind="accept", contact=contact)
        # The decline through the partner's own answer page, with both texts.
        response = Client().post(
            answer_link(by_name["Nej-föreningen"]),
            {
                "answer": "decline",
                "decline-text": COMMITTEE_DECLINE,
                "decline-reason_for_owner": REASON_FOR_OWNER,
            },
        )
        assert response.status_code == 302, response.content.decode()
        asker = by_name["Fråge-förbundet"].partner.contacts.get()
        referral_answer(
            referral=by_name["Fråge-förbundet"],
            kind="question",
            text=COMMITTEE_QUESTION,
            contact=asker,
        )
        helper = by_name["Stöd-byalaget"]
        referral_answer(referral=helper, kind="accept", contact=helper.partner.contacts.get())
        support_report(
            referral=helper,
            user=UserFactory(roles=[Role.PARTNER_CONTACT]),
            kind=SupportKind.objects.order_by("pk").first(),
            text=COMMITTEE_SUPPORT,
            progress="under_way",
        )
        referral_cancel(
            referral=by_name["Återkallade studieförbundet"],
            actor=coordinator,
            reason=CANCEL_REASON,
        )

    other = _submit(
        "sv",
        submitter_name="Eva Annan",
        submitter_email="eva.annan@example.org",
        share_contact_with_partners=True,
    ).idea
    services.idea_transition(idea=other, to=workflow.Status.SCREENING, actor=coordinator)
    services.idea_transition(idea=other, to=workflow.Status.IN_REVIEW, actor=coordinator)
    [other_referral] = idea_refer(
        idea=Idea.objects.get(pk=other.pk),
        partners=[chosen[0]],
        note_to_partners="Till er om Evas idé",
        actor=coordinator,
    )
    referral_answer(
        referral=other_referral,
        kind="decline",
        text="Evas interna skäl",
        reason_for_owner=OTHER_REASON,
        contact=chosen[0].contacts.get(),
    )
    emails = [contact.email for partner in chosen for contact in partner.contacts.all()]
    return Story(
        idea=Idea.objects.get(pk=idea.pk),
        token=submitted.tracking_token,
        referrals=by_name,
        other_idea=other,
        contact_emails=emails,
    )


def must_not_show(text: str, story: Story) -> None:
    """What the owner never reads: partners' committee texts, contacts, the other owner."""
    for secret in (
        COMMITTEE_DECLINE,
        COMMITTEE_QUESTION,
        COMMITTEE_SUPPORT,
        CANCEL_REASON,
        NOTE_TO_PARTNERS,
        OTHER_REASON,
        OTHER_DRAFT_TITLE,
        "Eva Annan",
        "eva.annan@example.org",
        "Kontakt 0",  # the partner contact persons' names
        "samordnare@example.org",
        *story.contact_emails,
    ):
        assert secret not in text, secret
    assert "@partner.example.org" not in text

"""Every kind of mail the portal sends, made the way it is made for real, and what is in each.

`every_mail` drives the portal through the journey helpers (the real forms, through the test
client) and, where a periodic task or an administrator's action makes the mail, through the
service the task or action calls. After each step every new mail's links are opened at once with
a fresh test client, the way its recipient would open them on arrival (an answer link works for
one answer, so it is opened before the partner answers).

| template | who gets it | made by |
| --- | --- | --- |
| receipt | owner | the public form (resident_submits) |
| status_change | owner | the coordinator's move to screening |
| question | owner | the coordinator's move to "needs information" |
| question_answered | coordinator | the owner's answer on the tracking page |
| idea_referred | owner | the coordinator's referral form |
| referral | partner | the coordinator's referral form |
| referral_question | partner | the partner's question on the answer page |
| referral_answered | coordinator | the partner's answer on the answer page |
| referral_reply | partner | the coordinator's reply to the partner's question |
| referral_accepted | owner | the partner's yes on the answer page |
| relayed_to_owner | owner | the partner writes to the owner on its referral page |
| relayed_to_partner | partner | the owner answers on the tracking page |
| referral_contact_shared, _refused, _withdrawn | partner | the owner's consent (tracking page) |
| support_reported | coordinator | the partner's support report |
| follow_up_survey | owner | the follow-up task, months after the support |
| referral_reminder, referral_escalation | partner, coordinator | the reminder task |
| referral_cancelled | partner | the coordinator cancels a referral |
| referral_erasure | partner | the owner erases their data after sharing it |
| referral_withdrawn | partner | the owner withdraws the idea |
| draft | resident | "save and continue later" on the form |
| tracking_link | owner | the lost-link form |
| accessibility_report | accessibility contact | the accessibility statement's report form |
| digest | committee | the weekly digest task |
| partner_entry_reminder | partner | the entry reminder task, months after the last confirmation |
| password_reset, password_changed | staff | the reset form; a changed password |
| login_code, two_factor_changed | staff | an emailed login code; an administrator's reset |
| partner_invitation | partner | the coordinator invites a contact person on the partner's page |
"""

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from ideas import workflow
from ideas.services import idea_transition
from partners.models import Partner, PartnerContact
from partners.reminders import entry_reminders_send
from portal.accounts import password_changed_notify
from portal.outbox import services as outbox
from portal.outbox.models import Message
from portal.roles import Role
from portal.two_factor import email_code_send, second_factor_reset
from tests.factories import IdeaFactory, UserFactory
from tests.ideas.conftest import valid_form
from tests.journeys.conftest import URL, Journey, Mail
from triage.insights.digest import digest_send_weekly
from triage.referrals.answers import referral_reply
from triage.referrals.consent import contact_consent_decide
from triage.referrals.follow_up import follow_up_send
from triage.referrals.relay import relay_to_owner, relay_to_partner
from triage.referrals.reminders import referrals_remind_and_escalate
from triage.referrals.services import referral_cancel
from triage.review.merges import merge_ideas, merge_undo

TEMPLATES = sorted(
    path.stem for path in (Path(settings.BASE_DIR) / "templates/emails").glob("*.html")
)
# The mails with nothing to do but read: no button. Every other mail has exactly one.
NO_ACTION = {
    "accessibility_report",  # the page is what the visitor typed, not an address
    "login_code",  # the code is the content; a link in it would teach people to follow links
    "two_factor_changed",
    "referral_cancelled",  # "you need not do anything more"
    "referral_erasure",
    "referral_withdrawn",
}


@dataclass
class Link:
    href: str
    classes: tuple[str, ...]


class _Anatomy(HTMLParser):
    """The links, images and style elements of a mail's HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.images: list[str] = []
        self.style_elements = 0
        self.styled_elements = 0
        self.body_styled = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("style"):
            self.styled_elements += 1
            self.body_styled |= tag == "body"
        if tag == "style":
            self.style_elements += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(
                Link(attributes["href"], tuple((attributes.get("class") or "").split()))
            )
        if tag == "img":
            self.images.append(attributes.get("src") or "")


def anatomy(markup: str) -> _Anatomy:
    parser = _Anatomy()
    parser.feed(markup)
    return parser


def buttons(mail: Mail) -> list[Link]:
    return [link for link in anatomy(mail.html).links if "mail-button" in link.classes]


def web_links(markup_or_text: str, *, html: bool) -> set[str]:
    """The http(s) addresses a mail part links to (the HTML's hrefs, the text's URLs)."""
    if html:
        return {link.href for link in anatomy(markup_or_text).links if link.href.startswith("http")}
    return {url.rstrip(".,)") for url in URL.findall(markup_or_text)}


@dataclass
class MailCatalogue:
    """The first mail of each template, and how each link answered when it was opened."""

    mails: dict[str, Mail] = field(default_factory=dict)
    answers: dict[str, int] = field(default_factory=dict)
    _rendered: list[tuple[str, str]] = field(default_factory=list)
    _seen: int = 0

    def record_render(self, template: str, html: str) -> None:
        self._rendered.append((template, html))

    def collect(self) -> None:
        """Name the new mails by their template and open their links now."""
        by_html = {html: template for template, html in self._rendered}
        for message in Message.objects.filter(pk__gt=self._seen).order_by("pk"):
            self._seen = message.pk
            template = by_html[message.body_html]
            if template in self.mails:
                continue
            mail = Mail.of(message)
            self.mails[template] = mail
            for url in web_links(mail.html, html=True) | web_links(mail.text, html=False):
                if url not in self.answers:
                    parts = urlsplit(url)
                    path = parts.path + (f"?{parts.query}" if parts.query else "")
                    response = Client(HTTP_ACCEPT_LANGUAGE=mail.language).get(path)
                    self.answers[url] = response.status_code


def journey_for_mails(settings, capture, *, coordinator, outreach_staff, committee_member):
    """The journey of tests/journeys, for a test outside that folder."""
    settings.IDEAS_SUBMIT_RATE = "1000/h"
    settings.IDEAS_MIN_FILL_SECONDS = 0
    settings.COORDINATOR_EMAIL = coordinator.email
    return Journey(
        capture=capture,
        coordinator=coordinator,
        outreach_staff=outreach_staff,
        committee_member=committee_member,
    )


def every_mail(journey: Journey, monkeypatch, *, language: str = "sv") -> MailCatalogue:
    """Make every kind of mail once, the owners' in `language`; give them back by template."""
    catalogue = MailCatalogue()
    render = outbox.mail_render

    def recording_render(template, context):
        rendered = render(template, context)
        catalogue.record_render(template, rendered.html)
        return rendered

    monkeypatch.setattr(outbox, "mail_render", recording_render)
    j = journey

    def step(do=None):
        if do is not None:
            j._act(do)
        catalogue.collect()

    # An idea round the loop, to three partners.
    idea = j.resident_submits(language=language)
    step()
    j.coordinator_screens(idea)
    j.coordinator_asks(idea, message_to_owner="Var skulle bussen stanna?")
    step()
    j.resident_answers(idea, "Utanför lanthandeln")
    step()
    accepting, asking, silent = (
        j.partner("Byalaget Ramsberg"),
        j.partner("Studieförbundet Bergslagen", username="asking"),
        j.partner("Leader Bergslagen", username="silent"),
    )
    j.coordinator_refers(
        idea, [accepting, asking, silent], note_to_partners="Läs den.", message_to_owner="Bra."
    )
    step()
    j.partner_answers_from_mail(asking, idea, answer="question", text="Hur många bor där?")
    step()
    asked = idea.idea.referrals.get(partner=asking.partner)
    step(lambda: referral_reply(referral=asked, text="Ett hundratal.", actor=j.coordinator))
    j.partner_answers_from_mail(accepting, idea, answer="accept")
    step()
    accepted = idea.idea.referrals.get(partner=accepting.partner)
    step(lambda: relay_to_owner(referral=accepted, text="Vi ses?", contact=accepting.contact))
    step(lambda: relay_to_partner(idea=idea.idea, public_id=accepted.public_id, text="Gärna."))
    for decision in ("given", "withdrawn"):
        step(
            lambda decision=decision: contact_consent_decide(
                idea=idea.idea, public_id=accepted.public_id, decision=decision
            )
        )
    j.partner_answers_from_mail(asking, idea, answer="accept")
    step()
    step(
        lambda: contact_consent_decide(
            idea=idea.idea, public_id=asked.public_id, decision="refused"
        )
    )
    j.partner_reports(accepting, idea, text="Ett rum och ett bidrag.", finished=True)
    step()
    step(lambda: follow_up_send(referral=accepted))
    now = timezone.now()
    step(lambda: referrals_remind_and_escalate(now=now + timedelta(days=8)))
    step(lambda: referrals_remind_and_escalate(now=now + timedelta(days=15)))
    # An entry not confirmed for months: its contact is asked to confirm it.
    Partner.objects.filter(pk=silent.partner.pk).update(confirmed_at=now - timedelta(days=200))
    step(lambda: entry_reminders_send(now=now))
    unanswered = idea.idea.referrals.get(partner=silent.partner)
    step(lambda: referral_cancel(referral=unanswered, actor=j.coordinator, reason="Fel län."))

    # An owner who shared their details erases them; another withdraws their idea.
    # (Erasure redacts the mails sent before it: they are read before it.)
    sharing = j.resident_submits(language=language, shares_contact=True, email="delar@example.org")
    j.coordinator_screens(sharing)
    told = j.partner("Fiberföreningen", username="told")
    j.coordinator_refers(sharing, [told], note_to_partners="Läs den.")
    step()
    j.partner_answers_from_mail(told, sharing, answer="accept")
    step()
    j.resident_erases(sharing)
    step()
    leaving = j.resident_submits(language=language, email="lamnar@example.org")
    j.coordinator_screens(leaving)
    left = j.partner("Bygdegården", username="left")
    j.coordinator_refers(leaving, [left], note_to_partners="Läs den.")
    j.resident_withdraws(leaving)
    step()
    assert leaving.status == workflow.Status.WITHDRAWN

    # The public forms: a draft kept for later, a lost link, an accessibility report.
    resident = Client(HTTP_ACCEPT_LANGUAGE=language)
    form = valid_form(description="", save_draft="1", language=language)
    step(lambda: resident.post(reverse("ideas:submit"), form))
    step(lambda: resident.post(reverse("ideas:lost_link"), {"email": idea.owner.email}))
    report = {"page": "Formuläret", "description": "För liten text."}
    step(lambda: resident.post(reverse("accessibility_statement"), report))

    # The committee's week, and the staff's accounts.
    step(lambda: digest_send_weekly(now=now + timedelta(days=1)))
    member = j.committee_member
    step(lambda: Client().post(reverse("password_reset"), {"email": member.email}))
    step(lambda: password_changed_notify(user=member, language="sv"))
    device = EmailDevice.objects.create(user=member, name="email", confirmed=True)
    step(lambda: email_code_send(device=device, language="sv"))
    administrator = UserFactory(username="admin-mail", roles=[Role.ADMINISTRATOR])
    step(lambda: second_factor_reset(user=member, actor=administrator))
    invited = PartnerContact.objects.create(
        partner=accepting.partner, name="Ingrid Inbjuden", email="ingrid@example.org"
    )
    invite = reverse("partners:contact_invitation", args=[accepting.partner.slug])
    step(lambda: j.staff.post(invite, {"contact": invited.pk, "action": "invite"}))
    # Two villages' ideas merged: each owner told, the kept idea's move relayed, then undone.
    kept, merged = IdeaFactory(), IdeaFactory()
    coordinator = UserFactory(username="merge-mail", roles=[Role.COORDINATOR])
    step(lambda: merge_ideas(kept=kept, merged=[merged], actor=coordinator))
    step(lambda: idea_transition(idea=kept, to=workflow.Status.SCREENING, actor=coordinator))
    step(lambda: merge_undo(merged=merged, actor=coordinator))
    return catalogue

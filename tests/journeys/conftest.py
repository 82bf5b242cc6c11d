"""The `journey` fixture: one idea followed round the whole loop, the way people drive the portal.

Every step goes through Django's test client with the real forms (the resident's public form
read from its page, the tracking page's answer form, the coordinator's move and referral forms,
the partner's answer page opened from the link IN THE MAIL, the partner pages), and every mail
is read from the outbox as its recipient gets it. Each person has a client of their own: the
resident's speaks the resident's language, the staff's and the partner's speak Swedish, so that
a text rendered in the actor's language instead of the reader's shows.

Nothing here knows what the pages should say: the tests assert that. The fixture fails a step
only when the step itself could not be made (the form refused it), and says why.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ideas import workflow
from ideas.models import Idea, OutreachEvent, SupportKind, Theme
from partners.models import PartnerContact
from portal.outbox.models import Message
from portal.roles import Role
from tests.bench.forms import form_payload
from tests.factories import PartnerFactory, UserFactory, municipality
from tests.ideas.conftest import started_ago
from triage.models import Recommendation
from triage.review.selectors import active_criteria

STAFF_LANGUAGE = "sv"  # the committee and the partner contacts work in Swedish

# What a resident writes, in the language they write in.
WRITES = {
    "sv": {
        "title": "Mötesplats i gamla skolan i Ramsberg",
        "need": "Byn saknar en plats att träffas på sedan affären stängde.",
        "description": "Vi vill göra om skolan till ett allaktivitetshus för hela byn.",
        "name": "Anna Andersson",
        "organisation": "Ramsbergs byalag",
    },
    "en": {
        "title": "A book bus for the villages",
        "need": "The library is forty kilometres away and there is no bus on Sundays.",
        "description": "A small bus with books that stops in each village every other week.",
        "name": "Grace Okafor",
        "organisation": "Friends of the Village Library",
    },
    "ar": {
        "title": "مكان لقاء للعائلات الجديدة",
        "need": "العائلات الجديدة في القرية لا تعرف أحدا ولا تجد مكانا للقاء.",
        "description": "نريد مقهى لغويا أسبوعيا في المكتبة حيث يلتقي الجيران ويتعلمون معا.",
        "name": "ليلى حسن",
        "organisation": "جمعية الجيران في كوملا",
    },
}

TRACK_PATH = re.compile(r"^/track/[^/]+/$")
ANSWER_LINK = re.compile(r"https?://[^\s\"'<>]+/referral/answer/[^\s\"'<>/]+/")
URL = re.compile(r"https?://[^\s\"'<>]+")


class StepFailed(AssertionError):
    """A step of the journey could not be made: the portal refused the person's form."""


# --- what a person reads ------------------------------------------------------------------------


class _TextParser(HTMLParser):
    """The text a person reads on a page: no tags, no scripts or styles, entities decoded."""

    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lang = ""
        self.dir = ""
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            attributes = dict(attrs)
            self.lang, self.dir = attributes.get("lang") or "", attributes.get("dir") or ""
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = _TextParser()
    parser.feed(markup)
    return " ".join(" ".join(parser.parts).split())


@dataclass(frozen=True)
class Page:
    """A page as its reader gets it: the status, the HTML, the text, its declared language."""

    url: str
    status: int
    html: str
    text: str
    lang: str
    dir: str
    messages: tuple[str, ...] = ()

    @classmethod
    def of(cls, response) -> "Page":
        markup = response.content.decode()
        parser = _TextParser()
        parser.feed(markup)
        return cls(
            url=response.request["PATH_INFO"],
            status=response.status_code,
            html=markup,
            text=" ".join(" ".join(parser.parts).split()),
            lang=parser.lang,
            dir=parser.dir,
        )

    def __contains__(self, text: str) -> bool:
        """Whether the text is anywhere a person could read it (text or HTML, escaped or not)."""
        return text in self.text or text in self.html or html.escape(text) in self.html


@dataclass(frozen=True)
class Mail:
    """One mail as its recipient reads it."""

    recipient: str
    kind: str
    language: str
    subject: str
    text: str
    html: str
    message: Message

    @classmethod
    def of(cls, message: Message) -> "Mail":
        return cls(
            recipient=message.recipient,
            kind=message.kind,
            language=message.language,
            subject=message.subject,
            text=message.body_text,
            html=message.body_html,
            message=message,
        )

    def __contains__(self, text: str) -> bool:
        """Whether the text is anywhere in the mail: subject, plain text or HTML part."""
        return (
            text in self.subject
            or text in self.text
            or text in self.html
            or html.escape(text) in self.html
            or text in visible_text(self.html)
        )

    def links(self) -> list[str]:
        """The portal's links in the plain text, in order."""
        return [
            url.rstrip(".,)") for url in URL.findall(self.text) if url.startswith(settings.SITE_URL)
        ]


# --- the people -----------------------------------------------------------------------------


@dataclass
class Owner:
    """Who the idea belongs to, as they wrote it on the form."""

    name: str
    email: str
    phone: str
    organisation: str

    def __str__(self) -> str:
        return self.email


@dataclass
class JourneyIdea:
    """The idea being followed, with what its owner holds: the reference and the private link."""

    reference: str
    language: str
    owner: Owner
    kind: str
    shares_contact: bool
    title: str
    tracking_url: str
    registered_by_outreach: bool = False

    @property
    def idea(self) -> Idea:
        return Idea.objects.get(reference=self.reference)

    @property
    def status(self) -> str:
        return self.idea.status

    @property
    def tracking_path(self) -> str:
        return urlsplit(self.tracking_url).path


@dataclass
class PartnerSide:
    """A partner organisation with one contact person who also logs in to the partner pages."""

    partner: object
    contact: PartnerContact
    user: object
    client: Client = field(repr=False)

    @property
    def name(self) -> str:
        return self.partner.name

    @property
    def email(self) -> str:
        return self.contact.email

    def __str__(self) -> str:
        return self.email


def _address(who) -> str:
    return who if isinstance(who, str) else who.email


def owner_labels(language: str) -> dict[str, str]:
    """Every status label the owner may read, in one language."""
    with translation.override(language):
        return {status: workflow.public_label(status) for status in workflow.Status}


def swedish_words_for_owners() -> list[str]:
    """Swedish texts that must never reach an owner who chose another language."""
    with translation.override("sv"):
        return [
            *owner_labels("sv").values(),
            str(translation.gettext("Best regards,")),
            "Vänliga hälsningar",
            "Hej!",
        ]


def expected_public_label(status: str, language: str) -> str:
    return owner_labels(language)[status]


# --- the journey ----------------------------------------------------------------------------


class Journey:
    def __init__(self, *, capture, coordinator, outreach_staff, committee_member):
        self._capture = capture
        self.coordinator = coordinator
        self.outreach_staff = outreach_staff
        self.committee_member = committee_member
        self.staff = self._client(STAFF_LANGUAGE, user=coordinator)
        self.member = self._client(STAFF_LANGUAGE, user=committee_member)
        self.outreach = self._client(STAFF_LANGUAGE, user=outreach_staff)
        self._residents: dict[str, Client] = {}
        self._partners: list[PartnerSide] = []

    # -- plumbing -----------------------------------------------------------------------------
    @staticmethod
    def _client(language: str, *, user=None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            client.force_login(user)
        return client

    def _act(self, do):
        """Run one person's action; the mails it stores are sent after its commit."""
        with self._capture(execute=True):
            return do()

    def resident(self, idea: JourneyIdea) -> Client:
        """The owner's own browser: it speaks the owner's language."""
        return self._residents.setdefault(idea.reference, self._client(idea.language))

    @staticmethod
    def _refused(response, what: str) -> StepFailed:
        shown = [str(m) for m in get_messages(response.wsgi_request)]
        page = Page.of(response) if response.content else None
        errors = (
            re.findall(
                r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>'
                r"(.*?)</",
                page.html,
                re.DOTALL,
            )
            if page
            else []
        )
        return StepFailed(
            f"{what}: HTTP {response.status_code}; messages {shown}; errors "
            f"{[visible_text(e) for e in errors]}"
        )

    def _moved(self, idea: JourneyIdea, response, to: str, what: str) -> None:
        if response.status_code != 302 or idea.status != to:
            raise self._refused(response, f"{what} (idea is {idea.status}, expected {to})")

    # -- the resident -------------------------------------------------------------------------
    def resident_submits(
        self,
        *,
        language: str = "sv",
        kind: str = "private",
        shares_contact: bool = False,
        email: str | None = None,
        phone: str = "070-123 45 67",
        **overrides,
    ) -> JourneyIdea:
        """A resident fills in the public form (read from its page) and sends it."""
        writes = WRITES[language]
        owner = Owner(
            name=writes["name"],
            email=email or f"owner-{language}-{kind}@example.org",
            phone=phone,
            organisation=writes["organisation"] if kind == "association" else "",
        )
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        path = reverse("ideas:submit")
        page = client.get(path)
        assert page.status_code == 200, f"the idea form: HTTP {page.status_code}"
        data = self._filled(
            page.content.decode(),
            path,
            writes=writes,
            owner=owner,
            language=language,
            kind=kind,
            shares_contact=shares_contact,
        )
        data["started"] = started_ago(60)  # the resident took a minute to write
        data.update(overrides)
        response = self._act(lambda: client.post(path, data))
        if response.status_code != 302:
            raise self._refused(response, "the resident's idea was not accepted")
        received = Page.of(client.get(response["Location"]))
        match = re.search(r"https?://[^\s\"'<>]+/track/[^\s\"'<>/]+/", received.html)
        assert match, "the page after sending shows no tracking link"
        reference = re.search(r"IL-\d{4}-\d{4}", received.text).group(0)
        idea = JourneyIdea(
            reference=reference,
            language=language,
            owner=owner,
            kind=kind,
            shares_contact=shares_contact,
            title=writes["title"],
            tracking_url=match.group(0),
        )
        self._residents[reference] = client
        return idea

    def outreach_registers(
        self,
        *,
        language: str = "sv",
        kind: str = "private",
        shares_contact: bool = False,
        email: str | None = None,
        phone: str = "070-765 43 21",
    ) -> JourneyIdea:
        """Outreach staff write the idea down with the resident at a caravan stop."""
        writes = WRITES[language]
        owner = Owner(
            name=writes["name"],
            email=email or f"outreach-{language}-{kind}@example.org",
            phone=phone,
            organisation=writes["organisation"] if kind == "association" else "",
        )
        event = OutreachEvent.objects.create(
            name="Karavanen i Kopparberg",
            kind="caravan_tour",
            municipality=municipality("1864"),
            place="Utanför Ica",
        )
        chosen = self.outreach.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
        assert chosen.status_code == 302, f"choosing the event: HTTP {chosen.status_code}"
        path = reverse("ideas:intake_new")
        page = self.outreach.get(path)
        assert page.status_code == 200, f"the intake form: HTTP {page.status_code}"
        data = self._filled(
            page.content.decode(),
            path,
            writes=writes,
            owner=owner,
            language=language,
            kind=kind,
            shares_contact=shares_contact,
        )
        data["consent_confirmed"] = "on"
        response = self._act(lambda: self.outreach.post(path, data))
        if response.status_code != 302:
            raise self._refused(response, "the outreach form was not accepted")
        receipt = Page.of(self.outreach.get(response["Location"]))
        # The paper carries the link as a QR code and written out short enough to type: the
        # resident types the short one into their own browser, which leads to the idea's page.
        short = re.search(r"https?://[^\s\"'<>]+/t/IL-[^\s\"'<>]+/", receipt.html)
        assert short, "the printed receipt shows no short link to type"
        opened = self._client(language).get(urlsplit(short.group(0)).path)
        assert opened.status_code == 302, f"the receipt's short link: HTTP {opened.status_code}"
        location = urljoin(settings.SITE_URL + "/", opened["Location"])
        match = re.fullmatch(r"https?://[^\s\"'<>]+/track/[^\s\"'<>/]+/", location)
        assert match, f"the short link leads to {location}, not a tracking page"
        reference = re.search(r"IL-\d{4}-\d{4}", receipt.text).group(0)
        self.last_printed_receipt = receipt
        return JourneyIdea(
            reference=reference,
            language=language,
            owner=owner,
            kind=kind,
            shares_contact=shares_contact,
            title=writes["title"],
            tracking_url=match.group(0),
            registered_by_outreach=True,
        )

    @staticmethod
    def _filled(
        markup: str,
        path: str,
        *,
        writes: dict,
        owner: Owner,
        language: str,
        kind: str,
        shares_contact: bool,
    ) -> dict:
        """The page's own form as a person fills it in: honeypots empty, own words typed."""
        pairs, _enctype = form_payload(markup, path)
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        municipality_pk = str(municipality("1885").pk)  # Lindesberg
        data.update(
            {
                "title": [writes["title"]],
                "need": [writes["need"]],
                "description": [writes["description"]],
                "beneficiaries": [""],
                "municipality": [municipality_pk],
                "place": [""],
                "themes": [str(Theme.objects.get(slug="local-development").pk)],
                "support_wanted": [str(SupportKind.objects.order_by("pk").first().pk)],
                "submitter_name": [owner.name],
                "submitter_email": [owner.email],
                "submitter_phone": [owner.phone],
                "organisation_name": [owner.organisation],
                "organisation_kind": ["association" if kind == "association" else "private_person"],
                "language": [language],
            }
        )
        for box in ("share_contact_with_partners", "is_rural"):
            data.pop(box, None)
        if shares_contact:
            data["share_contact_with_partners"] = ["on"]
        if "consent" in data or "consent" in markup:
            data["consent"] = ["on"]
        for name in ("website",):  # the spam trap people never see
            if name in data:
                data[name] = [""]
        return {name: values if len(values) > 1 else values[0] for name, values in data.items()}

    def tracking_page(self, idea: JourneyIdea, *, client: Client | None = None) -> Page:
        """The owner opens their private link."""
        response = (client or self.resident(idea)).get(idea.tracking_path, follow=True)
        return Page.of(response)

    def follow_link(self, mail: Mail, *, language: str | None = None) -> Page | None:
        """Open the mail's links one by one in a fresh browser; the first tracking page found.

        The browser speaks the mail's language, unless `language` says otherwise (a link opened
        on the library's Swedish computer, say).
        """
        client = self._client(language or mail.language)
        for url in mail.links():
            response = client.get(urlsplit(url).path, follow=True)
            if response.status_code == 200 and TRACK_PATH.match(response.request["PATH_INFO"]):
                return Page.of(response)
        return None

    def resident_answers(self, idea: JourneyIdea, text: str) -> Page:
        """The owner answers the committee's question with the form on the tracking page."""
        client = self.resident(idea)
        page = self.tracking_page(idea)
        answer_path = reverse("ideas:answer", kwargs={"token": idea.tracking_path.split("/")[2]})
        pairs, _enctype = form_payload(page.html, answer_path)
        data = dict(pairs)
        data["answer"] = text
        before = idea.status
        response = self._act(lambda: client.post(answer_path, data))
        if response.status_code != 302 or idea.status == before:
            raise self._refused(response, "the owner's answer was not accepted")
        return Page.of(client.get(response["Location"]))

    def resident_withdraws(self, idea: JourneyIdea, reason: str = "") -> None:
        client = self.resident(idea)
        path = reverse("ideas:withdraw", kwargs={"token": idea.tracking_path.split("/")[2]})
        response = self._act(lambda: client.post(path, {"reason": reason}))
        self._moved(idea, response, workflow.Status.WITHDRAWN, "the owner's withdrawal")

    def resident_erases(self, idea: JourneyIdea) -> Page:
        """The owner erases their personal data from the tracking page."""
        client = self.resident(idea)
        path = reverse("ideas:erase", kwargs={"token": idea.tracking_path.split("/")[2]})
        response = self._act(lambda: client.post(path))
        if response.status_code != 302:
            raise self._refused(response, "the owner's erasure was not made")
        return Page.of(client.get(response["Location"]))

    # -- the committee ------------------------------------------------------------------------
    def coordinator_page(self, idea: JourneyIdea, *, client: Client | None = None) -> Page:
        response = (client or self.staff).get(reverse("triage:idea_detail", args=[idea.reference]))
        assert response.status_code == 200, f"the idea's page: HTTP {response.status_code}"
        return Page.of(response)

    def member_page(self, idea: JourneyIdea) -> Page:
        return self.coordinator_page(idea, client=self.member)

    def agenda(self) -> Page:
        response = self.staff.get(reverse("triage:meeting"))
        assert response.status_code == 200, f"the agenda: HTTP {response.status_code}"
        return Page.of(response)

    def dashboard(self, *, client: Client | None = None, query: str = "") -> Page:
        response = (client or self.staff).get(reverse("triage:dashboard") + query)
        assert response.status_code == 200, f"the dashboard: HTTP {response.status_code}"
        return Page.of(response)

    def coordinator_tries_to_move(
        self, idea: JourneyIdea, to: str, *, message_to_owner: str = "", internal_note: str = ""
    ):
        """Post the move form; give back the response, moved or not."""
        return self._act(
            lambda: self.staff.post(
                reverse("triage:idea_move", args=[idea.reference]),
                {"to": to, "message_to_owner": message_to_owner, "internal_note": internal_note},
            )
        )

    def coordinator_moves(
        self, idea: JourneyIdea, to: str, *, message_to_owner: str = "", internal_note: str = ""
    ) -> None:
        response = self.coordinator_tries_to_move(
            idea, to, message_to_owner=message_to_owner, internal_note=internal_note
        )
        self._moved(idea, response, to, f"the coordinator's move to {to}")

    def coordinator_screens(self, idea: JourneyIdea) -> None:
        """Screening, then the committee's review: the two moves every idea gets."""
        self.coordinator_moves(idea, workflow.Status.SCREENING)
        self.coordinator_moves(idea, workflow.Status.IN_REVIEW)

    def coordinator_asks(
        self, idea: JourneyIdea, *, message_to_owner: str, internal_note: str = ""
    ) -> None:
        self.coordinator_moves(
            idea,
            workflow.Status.NEEDS_INFORMATION,
            message_to_owner=message_to_owner,
            internal_note=internal_note,
        )

    def coordinator_assigns(self, idea: JourneyIdea, *members) -> None:
        response = self._act(
            lambda: self.staff.post(
                reverse("triage:idea_assign", args=[idea.reference]),
                {"reviewers": [member.pk for member in members]},
            )
        )
        assert response.status_code == 302, f"assigning reviewers: HTTP {response.status_code}"

    def coordinator_refers(
        self,
        idea: JourneyIdea,
        partners: list[PartnerSide],
        *,
        note_to_partners: str,
        message_to_owner: str = "",
    ) -> None:
        response = self._act(
            lambda: self.staff.post(
                reverse("triage:idea_refer", args=[idea.reference]),
                {
                    "partners": [side.partner.pk for side in partners],
                    "note_to_partners": note_to_partners,
                    "message_to_owner": message_to_owner,
                },
            )
        )
        self._moved(idea, response, workflow.Status.REFERRED, "the coordinator's referral")

    def member_writes_note(self, idea: JourneyIdea, body: str) -> None:
        """A committee member writes in the idea's discussion: for the committee only."""
        response = self._act(
            lambda: self.member.post(
                reverse("triage:idea_note", args=[idea.reference]), {"body": body}
            )
        )
        assert response.status_code == 302, f"the committee's note: HTTP {response.status_code}"

    def member_submits_review(self, idea: JourneyIdea) -> None:
        """The assigned member scores every active criterion and submits the review."""
        payload = {"recommendation": Recommendation.values[0], "comment": "", "submit": "1"}
        for criterion in active_criteria():
            payload[f"score_{criterion.pk}"] = "4"
        response = self._act(
            lambda: self.member.post(reverse("triage:idea_review", args=[idea.reference]), payload)
        )
        assert response.status_code == 302, f"submitting the review: HTTP {response.status_code}"

    def member_declares_conflict(self, idea: JourneyIdea, reason: str) -> None:
        response = self._act(
            lambda: self.member.post(
                reverse("triage:idea_conflict", args=[idea.reference]), {"reason": reason}
            )
        )
        assert response.status_code == 302, f"declaring a conflict: HTTP {response.status_code}"

    # -- the partners -------------------------------------------------------------------------
    def partner(
        self, name: str = "Byalaget Ramsberg", *, username: str | None = None
    ) -> PartnerSide:
        """A partner organisation whose one contact gets the referrals and also logs in."""
        number = len(self._partners) + 1
        user = UserFactory(username=username or f"partner{number}", roles=[Role.PARTNER_CONTACT])
        partner = PartnerFactory(name=name, slug=f"journey-partner-{number}", contacts=0)
        contact = PartnerContact.objects.create(
            partner=partner,
            name=f"Kim Kontakt {number}",
            email=user.email,
            role="Idéansvarig",
            user=user,
        )
        side = PartnerSide(
            partner=partner,
            contact=contact,
            user=user,
            client=self._client(STAFF_LANGUAGE, user=user),
        )
        self._partners.append(side)
        return side

    def referral_mail(self, side: PartnerSide, idea: JourneyIdea) -> Mail:
        """The last mail the partner's contact got about the idea."""
        about = [mail for mail in self.mails_to(side) if idea.reference in mail]
        assert about, f"{side.email} got no mail about {idea.reference}"
        return about[-1]

    def partner_answer_page_from_mail(
        self, side: PartnerSide, idea: JourneyIdea, mail: Mail | None = None
    ) -> Page:
        """The partner opens the answer link of their mail (not logged in)."""
        mail = mail or self.referral_mail(side, idea)
        links = ANSWER_LINK.findall(mail.text)
        assert links, f"the mail to {side.email} has no answer link:\n{mail.text}"
        response = Client(HTTP_ACCEPT_LANGUAGE=STAFF_LANGUAGE).get(urlsplit(links[-1]).path)
        return Page.of(response)

    def partner_answers_from_mail(
        self, side: PartnerSide, idea: JourneyIdea, *, answer: str = "accept", text: str = ""
    ) -> Page:
        """The partner opens the link from the mail and presses accept, decline or question."""
        mail = self.referral_mail(side, idea)
        links = ANSWER_LINK.findall(mail.text)
        assert links, f"the mail to {side.email} has no answer link:\n{mail.text}"
        path = urlsplit(links[-1]).path
        client = Client(HTTP_ACCEPT_LANGUAGE=STAFF_LANGUAGE)
        page = client.get(path)
        assert page.status_code == 200, f"the answer page: HTTP {page.status_code}"
        response = self._act(lambda: client.post(path, {"answer": answer, f"{answer}-text": text}))
        if response.status_code != 302:
            raise self._refused(response, f"the partner's answer ({answer}) was not accepted")
        return Page.of(client.get(response["Location"]))

    def _referral(self, side: PartnerSide, idea: JourneyIdea):
        return idea.idea.referrals.get(partner=side.partner)

    def partner_page(self, side: PartnerSide, idea: JourneyIdea) -> Page:
        """The logged-in partner contact's page of the referral."""
        response = side.client.get(
            reverse("partner_portal:referral_detail", args=[self._referral(side, idea).pk])
        )
        assert response.status_code == 200, f"the partner's page: HTTP {response.status_code}"
        return Page.of(response)

    def partner_list_page(self, side: PartnerSide) -> Page:
        response = side.client.get(reverse("partner_portal:referral_list"))
        assert response.status_code == 200, f"the partner's list: HTTP {response.status_code}"
        return Page.of(response)

    def partner_reports(
        self, side: PartnerSide, idea: JourneyIdea, *, text: str, finished: bool = True
    ) -> None:
        """The partner reports on its page the support given: under way, or finished."""
        referral = self._referral(side, idea)
        response = self._act(
            lambda: side.client.post(
                reverse("partner_portal:referral_support", args=[referral.pk]),
                {
                    "kind": SupportKind.objects.order_by("pk").first().pk,
                    "text": text,
                    "progress": "finished" if finished else "under_way",
                },
            )
        )
        if response.status_code != 302:
            raise self._refused(response, "the partner's support report was not accepted")

    # -- mail -----------------------------------------------------------------------------------
    def mails_to(self, who) -> list[Mail]:
        """Every mail stored for the address, oldest first."""
        address = _address(who)
        return [
            Mail.of(message)
            for message in Message.objects.filter(recipient__iexact=address).order_by(
                "created_at", "pk"
            )
        ]

    def last_mail_to(self, who) -> Mail:
        mails = self.mails_to(who)
        assert mails, f"no mail to {_address(who)}"
        return mails[-1]

    def new_mails_to(self, who, since: int) -> list[Mail]:
        """The mails to the address stored after the message with id `since`."""
        return [mail for mail in self.mails_to(who) if mail.message.pk > since]

    @staticmethod
    def mark() -> int:
        """A point in the outbox: `new_mails_to(who, since=mark)` reads what came after it."""
        last = Message.objects.order_by("-pk").values_list("pk", flat=True).first()
        return last or 0


@pytest.fixture
def journey(
    db, settings, coordinator, outreach_staff, committee_member, django_capture_on_commit_callbacks
) -> Journey:
    settings.IDEAS_SUBMIT_RATE = "1000/h"
    settings.COORDINATOR_EMAIL = coordinator.email
    return Journey(
        capture=django_capture_on_commit_callbacks,
        coordinator=coordinator,
        outreach_staff=outreach_staff,
        committee_member=committee_member,
    )

"""Every page state is valid HTML: the Nu Html Checker (vnu.jar) finds no error.

The pages are the ones people get: every response the test client receives while residents walk
every page state in Swedish, English and Arabic (tests/test_language_complete.py's walk, the
mails they get included) and while the committee, the outreach staff and a partner go through
their pages and error states. Each distinct page is written to a file and the checker runs once
over all of them. It needs Java and the checker's jar (`make install` fetches it with npm into
tests/html_checker/); without them the test is skipped and says why.
"""

import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from partners.entries import confirm_url
from tests.test_language_complete import walk, walk_every_resident_page  # noqa: F401

VNU_JAR = Path(__file__).parent / "html_checker/node_modules/vnu-jar/build/dist/vnu.jar"


@dataclass(frozen=True)
class RenderedPage:
    path: str
    status: int
    html: str


def checker_missing() -> str | None:
    if shutil.which("java") is None:
        return "Java is not installed (Debian: default-jre-headless)"
    if not VNU_JAR.exists():
        return f"the Nu Html Checker is not installed ({VNU_JAR}): run make install with npm"
    return None


@pytest.fixture
def rendered(monkeypatch) -> list[RenderedPage]:
    """Every HTML response any test client gets while the fixture is on."""
    pages: list[RenderedPage] = []
    original = Client.request

    def request(self, **request):
        response = original(self, **request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
            and response.content
        ):
            pages.append(
                RenderedPage(
                    path=f"{request.get('REQUEST_METHOD', 'GET')} {request['PATH_INFO']}",
                    status=response.status_code,
                    html=response.content.decode(),
                )
            )
        return response

    monkeypatch.setattr(Client, "request", request)
    return pages


def nu_errors(pages: list[RenderedPage], folder: Path) -> list[str]:
    """Run the checker once over every distinct page; give back its errors, one line each."""
    where: dict[str, RenderedPage] = {}
    for page in pages:
        digest = hashlib.sha256(page.html.encode()).hexdigest()[:16]
        file = folder / f"{digest}.html"
        if file.name not in where:
            file.write_text(page.html, encoding="utf-8")
            where[file.name] = page
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        + [str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stdout or "{}")
    errors = []
    for message in report.get("messages", []):
        page = where.get(Path(message.get("url", "")).name)
        origin = f"{page.path} (HTTP {page.status})" if page else message.get("url")
        errors.append(f"{origin}: {message['message']} [{message.get('extract', '').strip()}]")
    assert report or not result.stderr, result.stderr
    return sorted(set(errors))


def summary(errors: list[str]) -> str:
    """Each kind of error once, with how often and on which pages it was found."""
    kinds: dict[str, list[str]] = {}
    for error in errors:
        origin, _, message = error.partition(": ")
        kind = re.sub(r"^Bad value “[^”]*”", "Bad value “…”", message.split(" [")[0])
        kinds.setdefault(kind, []).append(origin)
    return "\n".join(
        f"{len(origins)}× {kind}\n    e.g. {', '.join(sorted(set(origins))[:3])}"
        for kind, origins in sorted(kinds.items(), key=lambda item: -len(item[1]))
    )


def staff_and_partner_pages(journey) -> None:
    """The committee's, the outreach staff's and a partner's pages, with their error states."""
    idea = journey.resident_submits(language="sv")
    arabic = journey.resident_submits(language="ar", email="layla@example.org")
    journey.coordinator_screens(idea)
    journey.coordinator_assigns(idea, journey.committee_member)
    journey.member_writes_note(idea, "Ring byalaget först.")
    journey.member_submits_review(idea)
    side = journey.partner("Fiberföreningen Kopparberg")
    journey.coordinator_refers(idea, [side], note_to_partners="Läs den.", message_to_owner="Bra.")
    journey.partner_answer_page_from_mail(side, idea)
    journey.partner_answers_from_mail(side, idea, answer="accept")
    journey.partner_page(side, idea)
    journey.partner_list_page(side)
    _an_invitation(journey, side.partner)
    # The partner's own entry, its error state and the reminder's confirm link (GET and POST).
    assert side.client.get(reverse("partner_portal:entry")).status_code == 200
    side.client.post(
        reverse("partner_portal:entry"),
        {"description": "Ny text", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"},
    )
    confirm = "/" + confirm_url(contact=side.contact).split("://", 1)[1].split("/", 1)[1]
    assert Client(HTTP_ACCEPT_LANGUAGE="sv").get(confirm).status_code == 200
    assert Client(HTTP_ACCEPT_LANGUAGE="sv").post(confirm).status_code == 200

    staff, member, outreach = journey.staff, journey.member, journey.outreach
    meeting_pages = _a_meeting(journey)
    # A duplicate merged into the idea (a refused merge first: its error state), and its page.
    twin = journey.resident_submits(language="sv", email="twin@example.org")
    merge = reverse("triage:idea_merge", args=[idea.reference])
    staff.post(merge, {"references": idea.reference})
    staff.post(merge, {"references": twin.reference})
    meeting_pages.append(reverse("triage:idea_detail", args=[twin.reference]))
    for path in (
        *meeting_pages,
        reverse("triage:dashboard"),
        reverse("triage:dashboard") + "?status=screening&q=skola",
        reverse("triage:idea_detail", args=[idea.reference]),
        reverse("triage:idea_detail", args=[arabic.reference]),
        reverse("triage:meeting"),
        reverse("triage:statistics"),
        reverse("triage:criterion_list"),
        reverse("partners:list"),
        reverse("partners:detail", args=[side.partner.slug]),
        reverse("partners:weights"),
        reverse("partners:import"),
        reverse("partners:changes"),
        reverse("outbox:list"),
        reverse("password_change"),
    ):
        assert staff.get(path).status_code == 200, path
    for path in (
        reverse("triage:dashboard"),
        reverse("triage:idea_detail", args=[idea.reference]),
        *meeting_pages,
    ):
        assert member.get(path).status_code == 200, path
    # Error states: a move without its reason, an empty note, a review with nothing chosen.
    staff.post(reverse("triage:idea_move", args=[arabic.reference]), {"to": "declined"})
    member.post(reverse("triage:idea_note", args=[idea.reference]), {"body": ""})
    member.post(reverse("triage:idea_review", args=[idea.reference]), {})
    staff.post(reverse("partners:weights"), {"themes": "999"})
    # Issue 21: the batch decline's page with a template filled in and with its errors, and a
    # meeting's decision started from a template.
    from tests.triage.test_batch_actions import decline_template

    template = decline_template()
    journey.coordinator_screens(second := journey.resident_submits(language="en", email="b@x.org"))
    staff.post(reverse("triage:batch"), {"ideas": [second.reference], "action": "decline"})
    chosen = {"ideas": [second.reference, idea.reference], "template": template.pk}
    staff.post(reverse("triage:batch_decline"), {**chosen, "use_template": "1"})
    staff.post(reverse("triage:batch_decline"), {**chosen, "confirm": "1"})
    # Issue 21: the form's questions and the calls for ideas, their error states, and the
    # resident's form, front page, idea page and "my data" with a question on them.
    _questions_pages(journey)
    # The outreach staff's intake (the walk chose the event): the form and its errors.
    outreach.get(reverse("ideas:intake"))
    outreach.get(reverse("ideas:intake_new"))
    outreach.post(reverse("ideas:intake_new"), {"title": ""})
    assert outreach.get(reverse("ideas:intake_registered")).status_code == 200
    # The login page, its error, and a password reset.
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="sv")
    anonymous.get(reverse("login"))
    anonymous.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    anonymous.get(reverse("password_reset"))


def _questions_pages(journey) -> None:
    from ideas.models import CallForIdeas, FormQuestion
    from tests.ideas.conftest import valid_form

    staff = journey.staff
    staff.post(reverse("triage:call_list"), {"title_sv": "", "opens_on": "x"})
    staff.post(
        reverse("triage:call_list"),
        {
            "title_sv": "Service i byarna 2027",
            "title_en": "Village services 2027",
            "opens_on": "2020-01-01",
            "closes_on": "2099-12-31",
        },
    )
    call = CallForIdeas.objects.get(title__sv="Service i byarna 2027")
    staff.post(reverse("triage:question_add"), {"kind": "choice", "choices_sv": "Ett"})
    staff.post(
        reverse("triage:question_add"),
        {
            "kind": "choice",
            "required": "on",
            "call": call.pk,
            "wording_sv": "Hur långt är det till affären?",
            "wording_en": "How far is the shop?",
            "choices_sv": "Nära\nLångt",
            "choices_en": "Near\nFar",
        },
    )
    staff.post(
        reverse("triage:question_add"),
        {"kind": "text", "wording_sv": "Vem mer är med?", "wording_en": "Who else is in?"},
    )
    second, first = FormQuestion.objects.order_by("-pk")[:2]
    staff.post(reverse("triage:question_retire", args=[second.pk]))
    for path in (
        reverse("triage:question_list"),
        reverse("triage:question_add"),
        reverse("triage:question_edit", args=[first.pk]),
        reverse("triage:call_list"),
        reverse("triage:call_edit", args=[call.pk]),
    ):
        assert staff.get(path).status_code == 200, path
    staff.post(reverse("triage:question_edit", args=[first.pk]), {"wording_sv": ""})
    for language in ("sv", "en", "ar", "sv-easy"):
        resident = Client(HTTP_ACCEPT_LANGUAGE=language)
        resident.get(reverse("home"))
        resident.post(reverse("ideas:submit"), valid_form(language=language))
    Client().post(reverse("ideas:submit"), valid_form(**{f"question_{first.pk}": "2"}))
    from ideas.models import Idea

    answered = Idea.objects.filter(form_answers__isnull=False).first()
    assert staff.get(reverse("triage:idea_detail", args=[answered.reference])).status_code == 200


def _an_invitation(journey, partner) -> None:
    """A contact person invited (the partner's page shows it): the link's page, its errors, and
    a link that no longer works."""
    from partners.models import PartnerContact
    from portal.outbox.models import Message

    invited = PartnerContact.objects.create(
        partner=partner, name="Ingrid Inbjuden", email="ingrid@example.org"
    )
    url = reverse("partners:contact_invitation", args=[partner.slug])
    journey.staff.post(url, {"contact": invited.pk, "action": "invite"})
    body = Message.objects.filter(recipient=invited.email).latest("pk").body_text
    path = re.search(r"/partners/invitation/[^/\s]+/", body).group(0)
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="sv")
    assert anonymous.get(path).status_code == 200
    anonymous.post(path, {"new_password1": "kort", "new_password2": "annat"})
    journey.staff.post(url, {"contact": invited.pk, "action": "revoke"})
    assert anonymous.get(path).status_code == 410
    assert anonymous.get(reverse("partners:invitation", args=["made-up"])).status_code == 404
    journey.staff.post(url, {"contact": invited.pk, "action": "invite"})


def _a_meeting(journey) -> list[str]:
    """A meeting with an idea on its agenda, a decision refused for what it lacks (the form's
    error state) and another recorded; its pages: the list, the agenda, the minutes."""
    from triage.models import Meeting

    waiting = journey.resident_submits(language="en", email="meeting@example.org")
    journey.coordinator_screens(waiting)
    staff = journey.staff
    staff.post(reverse("triage:meeting_list"), {"date": "", "title": ""})  # the errors
    staff.post(reverse("triage:meeting_list"), {"date": "2026-12-10", "title": "December"})
    meeting = Meeting.objects.get(title="December")
    staff.post(
        reverse("triage:agenda_add"), {"meeting": meeting.public_id, "ideas": [waiting.reference]}
    )
    item = meeting.items.get()
    decide = reverse("triage:agenda_item_decide", args=[meeting.public_id, item.public_id])
    staff.post(decide, {"item-1-decision": "hold"})
    staff.post(decide, {"item-1-message_to_owner": "Utkast", "use_template": "1"})
    staff.post(decide, {"item-1-decision": "hold", "item-1-hold_until": "2027-02-01"})
    return [
        reverse("triage:meeting_list"),
        meeting.get_absolute_url(),
        reverse("triage:meeting_minutes", args=[meeting.public_id]),
    ]


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_every_page_state_is_valid_html(walk, rendered, tmp_path, language):  # noqa: F811
    """The resident's pages and mails in each language; the staff's and partner's with Swedish."""
    missing = checker_missing()
    if missing:
        pytest.skip(missing)
    mails = walk_every_resident_page(walk, language)
    if language == "sv":
        staff_and_partner_pages(walk)
    pages = rendered + [
        RenderedPage(path=f"mail {number}", status=0, html=html)
        for number, html in enumerate(mails)
    ]
    assert len({page.path for page in pages}) > 30, "the walk reached too few pages"
    errors = nu_errors(pages, tmp_path)
    assert not errors, f"{len(errors)} Nu checker errors:\n" + summary(errors)


def test_the_checker_finds_what_the_pages_must_not_have(tmp_path):
    """The check is real: a page with two autofocus fields and a six-decimal time fails it."""
    missing = checker_missing()
    if missing:
        pytest.skip(missing)
    html = (
        '<!doctype html><html lang="sv"><head><title>Prov</title></head><body><main>'
        '<time datetime="2026-12-01T10:00:00.123456+00:00">1 dec</time>'
        "<input autofocus aria-label=a><input autofocus aria-label=b></main></body></html>"
    )
    errors = nu_errors([RenderedPage(path="GET /prov/", status=200, html=html)], tmp_path)
    assert len(errors) == 2
    assert any(re.search("fraction of a second", error) for error in errors)
    assert any("autofocus" in error for error in errors)

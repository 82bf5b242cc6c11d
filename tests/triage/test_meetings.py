"""The committee's meetings: the rules of an agenda and its decisions, a meeting run through the
pages from agenda to decisions carried out (what each owner and partner reads, in their
language), the minutes, who may do what, and the agenda's fixed number of queries."""

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ideas import workflow
from ideas.models import SupportKind
from portal.outbox.models import Message
from portal.roles import Role
from tests.factories import (
    ConflictDeclarationFactory,
    CriterionFactory,
    IdeaFactory,
    PartnerFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    ScoreFactory,
    UserFactory,
)
from tests.journeys import conftest as journeys
from tests.triage.test_batch_actions import decline_template
from triage.models import AgendaItem, DecisionKind, Meeting, MeetingState
from triage.review import meetings
from triage.review.meetings import Decision, MeetingError
from triage.review.merges import merge_ideas

pytestmark = pytest.mark.django_db
# The residents, the committee and the partners driving the pages (tests/journeys/conftest.py).
journey = journeys.journey
S = workflow.Status
TODAY = datetime.date(2026, 12, 10)


def _ready(idea, *, members=2, criterion=None):
    criterion = criterion or CriterionFactory(name="Samhällsnytta i test", weight=1)
    for value in range(members):
        member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
        ReviewAssignmentFactory(idea=idea, member=member)
        ScoreFactory(
            review=ReviewFactory(idea=idea, member=member, submitted=True),
            criterion=criterion,
            value=3 + value,
        )
    return idea


def _meeting(coordinator, **kwargs):
    return meetings.meeting_create(
        date=kwargs.get("date", TODAY), title="Arbetsutskottet december", actor=coordinator
    )


# -- rules ----------------------------------------------------------------------------------


def test_ideas_with_all_reviews_in_come_first_among_those_awaiting_a_decision(coordinator):
    meeting = _meeting(coordinator)
    waiting = IdeaFactory(in_review=True, title="Väntar på omdömen")
    ReviewAssignmentFactory(idea=waiting)
    ready = _ready(IdeaFactory(in_review=True, title="Klar"))
    held = IdeaFactory(status=S.ON_HOLD, title="Vilande")
    IdeaFactory(screening=True, title="Läses")

    candidates = list(meetings.ideas_awaiting_decision(meeting))

    assert [idea.title for idea in candidates] == [ready.title, waiting.title, held.title]
    assert candidates[0].ready and not candidates[1].ready


def test_the_agenda_takes_each_idea_once_and_only_ideas_awaiting_a_decision(coordinator):
    meeting = _meeting(coordinator)
    first, second = IdeaFactory(in_review=True), IdeaFactory(in_review=True)
    screening = IdeaFactory(screening=True)

    added = meetings.agenda_add(meeting=meeting, ideas=[first, screening], actor=coordinator)
    again = meetings.agenda_add(meeting=meeting, ideas=[first, second], actor=coordinator)

    assert [item.idea for item in added] == [first]
    assert [item.idea for item in again] == [second]
    assert [item.position for item in meeting.items.all()] == [1, 2]
    assert list(meetings.ideas_awaiting_decision(meeting)) == []


def test_a_merged_idea_leaves_the_agenda_and_is_not_offered_for_it_again(coordinator):
    """It is decided with the idea it is merged into: a decision of its own would be refused."""
    meeting = _meeting(coordinator)
    kept, merged = IdeaFactory(in_review=True), IdeaFactory(in_review=True)
    done = _meeting(coordinator, date=TODAY - datetime.timedelta(days=30))
    meetings.agenda_add(meeting=meeting, ideas=[kept, merged], actor=coordinator)
    carried_out = AgendaItem.objects.create(
        meeting=done,
        idea=merged,
        position=1,
        decision=DecisionKind.DECLINE,
        carried_out_at=timezone.now(),
    )

    merge_ideas(kept=kept, merged=[merged], actor=coordinator)

    assert [item.idea for item in meeting.items.all()] == [kept]
    assert AgendaItem.objects.filter(pk=carried_out.pk).exists()  # the record stays
    assert list(meetings.ideas_awaiting_decision(meeting)) == []
    other = _meeting(coordinator, date=TODAY + datetime.timedelta(days=7))
    added = meetings.agenda_add(meeting=other, ideas=[merged, kept], actor=coordinator)
    assert [item.idea for item in added] == [kept]
    assert [idea.pk for idea in meetings.ideas_awaiting_decision(other)] == []


def test_a_committee_member_cannot_plan_a_meeting(committee_member):
    with pytest.raises(MeetingError):
        meetings.meeting_create(date=TODAY, title="Eget möte", actor=committee_member)


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (Decision(kind="refer", note_to_partners="Hjälp dem."), "partners"),
        (Decision(kind="ask"), "message_to_owner"),
        (Decision(kind="decline", internal_note="Bara för oss."), "message_to_owner"),
        (Decision(kind="hold"), "hold_until"),
        (Decision(kind="hold", hold_until=TODAY), "hold_until"),
    ],
    ids=[
        "refer-without-partners",
        "ask-without-question",
        "decline-without-reason",
        "hold-without-date",
        "hold-until-the-meeting-itself",
    ],
)
def test_a_decision_without_what_carrying_it_out_needs_is_refused_at_its_field(
    coordinator, decision, field
):
    item = meetings.agenda_add(
        meeting=_meeting(coordinator), ideas=[IdeaFactory(in_review=True)], actor=coordinator
    )[0]
    with pytest.raises(MeetingError) as refused:
        meetings.agenda_item_decide(item=item, decision=decision, actor=coordinator)
    assert refused.value.field == field
    item.refresh_from_db()
    assert item.decision == ""


def test_a_referral_needs_its_note_to_the_partners(coordinator):
    item = meetings.agenda_add(
        meeting=_meeting(coordinator), ideas=[IdeaFactory(in_review=True)], actor=coordinator
    )[0]
    decision = Decision(kind="refer", partners=[PartnerFactory()])
    with pytest.raises(MeetingError) as refused:
        meetings.agenda_item_decide(item=item, decision=decision, actor=coordinator)
    assert refused.value.field == "note_to_partners"


def test_a_decision_the_workflow_would_refuse_is_refused_when_recorded(coordinator):
    held = IdeaFactory(status=S.ON_HOLD)
    item = meetings.agenda_add(meeting=_meeting(coordinator), ideas=[held], actor=coordinator)[0]
    # The refusal speaks the coordinator's language (Swedish here, whatever an earlier test
    # left active in the thread).
    with translation.override("sv"), pytest.raises(MeetingError, match="Vilande") as refused:
        meetings.agenda_item_decide(
            item=item, decision=Decision(kind="ask", message_to_owner="Hur?"), actor=coordinator
        )
    assert refused.value.field == "decision"


def test_carrying_out_goes_on_past_a_refusal_and_does_nothing_twice(
    coordinator, django_capture_on_commit_callbacks
):
    meeting = _meeting(coordinator)
    kept, withdrawn = IdeaFactory(in_review=True), IdeaFactory(in_review=True)
    items = meetings.agenda_add(meeting=meeting, ideas=[withdrawn, kept], actor=coordinator)
    for item in items:
        meetings.agenda_item_decide(
            item=item,
            decision=Decision(kind="decline", message_to_owner="Tyvärr passar den inte."),
            actor=coordinator,
        )
    # The owner withdraws one idea between the meeting and carrying out.
    withdrawn.status = S.WITHDRAWN
    withdrawn.save(update_fields=["status"])

    with django_capture_on_commit_callbacks(execute=True):
        report = meetings.meeting_carry_out(meeting=meeting, actor=coordinator)
    assert [item.idea for item in report.carried_out] == [kept]
    assert [item.idea for item, _why in report.refused] == [withdrawn]
    kept.refresh_from_db()
    assert kept.status == S.DECLINED
    assert AgendaItem.objects.get(idea=withdrawn).carry_out_error
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED  # one decision is still not carried out
    mails = Message.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        again = meetings.meeting_carry_out(meeting=meeting, actor=coordinator)
    assert again.carried_out == [] and [item.idea for item in again.already] == [kept]
    assert Message.objects.count() == mails
    assert kept.events.filter(to_status=S.DECLINED).count() == 1


# -- a meeting through the pages ------------------------------------------------------------

OWNER_MESSAGE = {
    "refer": "Två organisationer i länet hör av sig till er om fibern.",
    "decline": "The partnership cannot support a book bus this year; ask the regional library.",
    "ask": "Vem i byn skulle köra bussen, och hur ofta?",
}
INTERNAL = {
    "refer": "Internt: kommunen har redan sagt nej en gång",
    "decline": "Internt: budgeten räcker inte, ta inte upp igen",
    "ask": "Internt: osäkert om föreningen finns",
}
NOTE_TO_PARTNERS = "Kan ni ge råd om ekonomisk förening för fiber?"


def _decide(journey, meeting, item, data):
    prefix = f"item-{item.position}"
    payload = {f"{prefix}-{name}": value for name, value in data.items()}
    url = reverse("triage:agenda_item_decide", args=[meeting.public_id, item.public_id])
    return journey._act(lambda: journey.staff.post(url, payload))


@pytest.fixture
def run_meeting(journey):
    """Three residents' ideas (a Swedish owner, an English owner, a second Swedish owner)
    reviewed, put on a meeting's agenda and decided: refer, decline, ask."""
    swedish = journey.resident_submits(language="sv")
    english = journey.resident_submits(language="en", email="grace@example.org")
    asked = journey.resident_submits(language="sv", email="bertil@example.org")
    for idea in (swedish, english, asked):
        journey.coordinator_screens(idea)
        journey.coordinator_assigns(idea, journey.committee_member)
        journey.member_submits_review(idea)
    side = journey.partner("Fiberföreningen Kopparberg")
    journey.member_declares_conflict(asked, "Jag sitter i byalagets styrelse.")

    created = journey.staff.post(
        reverse("triage:meeting_list"), {"date": "2026-12-10", "title": "Arbetsutskottet december"}
    )
    assert created.status_code == 302
    meeting = Meeting.objects.get()
    page = journey.staff.get(created["Location"])
    assert page.status_code == 200
    added = journey.staff.post(
        reverse("triage:agenda_add"),
        {
            "meeting": meeting.public_id,
            "ideas": [swedish.reference, english.reference, asked.reference],
        },
    )
    assert added.status_code == 302
    items = {item.idea.reference: item for item in meeting.items.select_related("idea")}
    assert len(items) == 3
    decisions = {
        swedish.reference: {
            "decision": "refer",
            "suggested": [side.partner.pk],
            "note_to_partners": NOTE_TO_PARTNERS,
            "message_to_owner": OWNER_MESSAGE["refer"],
            "internal_note": INTERNAL["refer"],
        },
        english.reference: {
            "decision": "decline",
            "message_to_owner": OWNER_MESSAGE["decline"],
            "internal_note": INTERNAL["decline"],
        },
        asked.reference: {
            "decision": "ask",
            "message_to_owner": OWNER_MESSAGE["ask"],
            "internal_note": INTERNAL["ask"],
        },
    }
    for reference, data in decisions.items():
        response = _decide(journey, meeting, items[reference], data)
        assert response.status_code == 302, journeys.visible_text(response.content.decode())[-3000:]
    return {
        "meeting": meeting,
        "swedish": swedish,
        "english": english,
        "asked": asked,
        "side": side,
    }


def test_a_meeting_carries_out_its_decisions_with_each_owner_told_in_their_language(
    journey, run_meeting
):
    meeting, side = run_meeting["meeting"], run_meeting["side"]
    swedish, english, asked = run_meeting["swedish"], run_meeting["english"], run_meeting["asked"]
    agenda = journey.staff.get(meeting.get_absolute_url()).content.decode()
    assert "Genomför alla beslut" in agenda
    assert journey.committee_member.get_username() in agenda  # absent for the conflict
    mark = journey.mark()

    response = journey._act(
        lambda: journey.staff.post(
            reverse("triage:meeting_carry_out", args=[meeting.public_id]), follow=True
        )
    )
    assert response.status_code == 200
    shown = response.content.decode()
    for idea in (swedish, english, asked):
        assert idea.reference in shown
    assert (swedish.status, english.status, asked.status) == (
        S.REFERRED,
        S.DECLINED,
        S.NEEDS_INFORMATION,
    )

    english_mail = journey.new_mails_to(english.owner, mark)
    assert len(english_mail) == 1
    mail = english_mail[0]
    assert mail.language == "en"
    assert OWNER_MESSAGE["decline"] in mail
    assert english.tracking_url in mail.text
    assert "Hej" not in mail.text and "Vänliga hälsningar" not in mail.text
    swedish_mail = journey.new_mails_to(swedish.owner, mark)
    assert len(swedish_mail) == 1 and swedish_mail[0].language == "sv"
    assert OWNER_MESSAGE["refer"] in swedish_mail[0] and side.name in swedish_mail[0]
    assert NOTE_TO_PARTNERS not in swedish_mail[0]
    asked_mail = journey.new_mails_to(asked.owner, mark)
    assert len(asked_mail) == 1 and OWNER_MESSAGE["ask"] in asked_mail[0]
    for owner_mails in (english_mail, swedish_mail, asked_mail):
        for internal in INTERNAL.values():
            assert internal not in owner_mails[0]
        assert "Decided at the meeting" not in owner_mails[0]
        assert "Beslutat vid mötet" not in owner_mails[0]

    partner_mail = journey.referral_mail(side, swedish)
    assert NOTE_TO_PARTNERS in partner_mail
    assert INTERNAL["refer"] not in partner_mail
    # The idea's history tells the committee where it was decided.
    history = journey.coordinator_page(english)
    assert INTERNAL["decline"] in history

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    before = Message.objects.count()
    again = journey._act(
        lambda: journey.staff.post(reverse("triage:meeting_carry_out", args=[meeting.public_id]))
    )
    assert again.status_code == 302
    assert Message.objects.count() == before


def test_the_minutes_list_every_decision_as_a_page_and_a_swedish_text_file(journey, run_meeting):
    meeting = run_meeting["meeting"]
    swedish, english, asked = run_meeting["swedish"], run_meeting["english"], run_meeting["asked"]
    journey.staff.post(
        reverse("triage:meeting_attendees", args=[meeting.public_id]),
        {"attendees": "Sara Samordnare, Lars Ledamot"},
    )
    journey._act(
        lambda: journey.staff.post(reverse("triage:meeting_carry_out", args=[meeting.public_id]))
    )

    page = journey.member.get(reverse("triage:meeting_minutes", args=[meeting.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "meeting-minutes-print.css" in html
    for idea in (swedish, english, asked):
        assert idea.reference in html
    assert run_meeting["side"].name in html and "Lars Ledamot" in html

    download = Client(HTTP_ACCEPT_LANGUAGE="en")
    download.force_login(journey.committee_member)
    response = download.get(reverse("triage:meeting_minutes_txt", args=[meeting.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert 'filename="protokoll-2026-12-10.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "Protokoll: Arbetsutskottet december" in text
    assert "Närvarande: Sara Samordnare, Lars Ledamot" in text
    assert text.count("Beslut: ") == 3
    assert "Beslut: Lotsa till partner: Fiberföreningen Kopparberg" in text
    assert "Beslut: Tacka nej" in text and "Beslut: Fråga ägaren" in text
    for idea in (swedish, english, asked):
        assert idea.reference in text
    assert len(re.findall("Genomfört: ", text)) == 3
    assert "Frånvarande på grund av jäv: ledamot" in text


def test_a_decision_with_an_error_keeps_what_was_typed(journey, coordinator):
    idea = IdeaFactory(in_review=True)
    meeting = _meeting(coordinator)
    item = meetings.agenda_add(meeting=meeting, ideas=[idea], actor=coordinator)[0]

    response = _decide(
        journey,
        meeting,
        item,
        {"decision": "refer", "note_to_partners": "Ett långt och omsorgsfullt skrivet besked."},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Ett långt och omsorgsfullt skrivet besked." in html
    assert 'id="error-summary"' in html
    item.refresh_from_db()
    assert item.decision == ""


# -- who may --------------------------------------------------------------------------------


def _urls(meeting, item):
    return {
        "list": reverse("triage:meeting_list"),
        "agenda": meeting.get_absolute_url(),
        "minutes": reverse("triage:meeting_minutes", args=[meeting.public_id]),
        "minutes.txt": reverse("triage:meeting_minutes_txt", args=[meeting.public_id]),
    }, {
        "decide": reverse("triage:agenda_item_decide", args=[meeting.public_id, item.public_id]),
        "carry out": reverse("triage:meeting_carry_out", args=[meeting.public_id]),
        "add": reverse("triage:agenda_add"),
        "remove": reverse("triage:agenda_item_remove", args=[meeting.public_id, item.public_id]),
        "attendees": reverse("triage:meeting_attendees", args=[meeting.public_id]),
    }


def test_anonymous_visitors_and_partners_are_refused_and_members_only_read(
    client, coordinator, committee_member
):
    meeting = _meeting(coordinator)
    item = meetings.agenda_add(
        meeting=meeting, ideas=[IdeaFactory(in_review=True)], actor=coordinator
    )[0]
    reads, writes = _urls(meeting, item)
    for url in [*reads.values(), *writes.values()]:
        response = client.get(url) if url in reads.values() else client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for role in (Role.PARTNER_CONTACT, Role.OUTREACH_STAFF):
        client.force_login(UserFactory(roles=[role]))
        for url in reads.values():
            assert client.get(url).status_code == 403, (role, url)
        for url in writes.values():
            assert client.post(url).status_code == 403, (role, url)
        client.logout()

    client.force_login(committee_member)
    for url in reads.values():
        assert client.get(url).status_code == 200, url
    for url in writes.values():
        assert client.post(url).status_code == 403, url
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Record the decision" not in page and "Registrera beslutet" not in page


def test_a_made_up_meeting_is_not_found(coordinator_client):
    made_up = "00000000-0000-4000-8000-000000000000"
    assert coordinator_client.get(f"/triage/meetings/{made_up}/").status_code in (404,)


# -- the agenda's queries -------------------------------------------------------------------


def _agenda_queries(client, meeting) -> int:
    cache.clear()  # the cost of building the page, not of a cached answer
    with CaptureQueriesContext(connection) as queries:
        response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_agenda_takes_the_same_queries_for_one_idea_and_for_six(
    coordinator_client, coordinator
):
    criterion = CriterionFactory(name="Samhällsnytta i test", weight=1)
    supports = list(SupportKind.objects.all()[:2])
    for _index in range(4):
        partner = PartnerFactory(covers_whole_county=True)
        partner.support_kinds.set(supports)
    meeting = _meeting(coordinator)

    def add_idea():
        idea = _ready(IdeaFactory(in_review=True), criterion=criterion)
        idea.support_wanted.set(supports)
        ConflictDeclarationFactory(idea=idea, member=UserFactory(first_name="Jävig"))
        item = meetings.agenda_add(meeting=meeting, ideas=[idea], actor=coordinator)[0]
        partner = PartnerFactory()
        meetings.agenda_item_decide(
            item=item,
            decision=Decision(kind="refer", partners=[partner], note_to_partners="Hjälp."),
            actor=coordinator,
        )
        IdeaFactory(in_review=True)  # one more awaiting a decision, listed to add

    add_idea()
    coordinator_client.get(
        meeting.get_absolute_url()
    )  # the session's first write is not the page's
    one = _agenda_queries(coordinator_client, meeting)
    for _index in range(5):
        add_idea()
    six = _agenda_queries(coordinator_client, meeting)

    assert meeting.items.count() == 6
    assert six == one
    assert one == EXPECTED_AGENDA_QUERIES


# The session and user (2), the user's roles (1), the meeting (1), its items with their ideas
# (1) and the partners decided on (1), the ideas' themes, kinds of support, reviews, scores,
# conflicts and questions (6), the matching of every idea at once (7: the registry, its links,
# the partners' languages and load, referrals made, similar answers, the weights), the partners
# to refer to (1), the answer templates the decisions start from (1) and the ideas awaiting a
# decision (1).
EXPECTED_AGENDA_QUERIES = 22


def test_the_coordinator_puts_ideas_ticked_on_the_dashboard_on_a_meeting(
    coordinator_client, coordinator
):
    meeting = _meeting(coordinator)
    ticked = [IdeaFactory(in_review=True, title="Bybuss"), IdeaFactory(status=S.ON_HOLD)]
    dashboard = coordinator_client.get(reverse("triage:dashboard")).content.decode()
    assert reverse("triage:agenda_add") in dashboard

    # The dashboard's form names no meeting: the next page asks which one.
    choose = coordinator_client.post(
        reverse("triage:agenda_add"), {"ideas": [i.reference for i in ticked], "action": ""}
    )
    assert choose.status_code == 200
    page = choose.content.decode()
    assert "Bybuss" in page and str(meeting.public_id) in page
    done = coordinator_client.post(
        reverse("triage:agenda_add"),
        {"ideas": [i.reference for i in ticked], "meeting": str(meeting.public_id)},
    )
    assert done.status_code == 302 and done["Location"] == meeting.get_absolute_url()
    assert [item.idea for item in meeting.items.all()] == ticked


def test_nothing_ticked_on_the_dashboard_sends_the_coordinator_back_with_why(coordinator_client):
    response = coordinator_client.post(reverse("triage:agenda_add"), {"ideas": []}, follow=True)
    assert response.request["PATH_INFO"] == reverse("triage:dashboard")
    assert "Välj minst en idé som väntar på beslut." in response.content.decode()


def test_ideas_with_all_reviews_in_go_first_on_the_agenda(coordinator):
    meeting = _meeting(coordinator)
    earlier = IdeaFactory(in_review=True, title="Tidigare, utan omdömen")
    ready = _ready(IdeaFactory(in_review=True, title="Senare, klar"))
    items = meetings.agenda_add(meeting=meeting, ideas=[earlier, ready], actor=coordinator)
    assert [item.idea for item in items] == [ready, earlier]


def test_the_owners_erasure_reaches_what_the_meeting_wrote_of_them(coordinator):
    from ideas.services import idea_erase_personal_data

    idea = IdeaFactory(in_review=True, submitter_name="Märta Öberg")
    item = meetings.agenda_add(meeting=_meeting(coordinator), ideas=[idea], actor=coordinator)[0]
    meetings.agenda_item_decide(
        item=item,
        decision=Decision(
            kind="decline",
            message_to_owner="Hej Märta Öberg, tyvärr passar idén inte.",
            internal_note="Märta Öberg har sökt förut.",
        ),
        actor=coordinator,
    )

    idea_erase_personal_data(idea=idea)

    item.refresh_from_db()
    assert "Märta" not in item.message_to_owner and "Öberg" not in item.internal_note
    assert item.decision == DecisionKind.DECLINE


def test_an_idea_not_awaiting_a_decision_ticked_on_the_dashboard_is_named(coordinator_client):
    received = IdeaFactory(title="Nyss inkommen")
    response = coordinator_client.post(
        reverse("triage:agenda_add"), {"ideas": [received.reference]}, follow=True
    )
    assert response.request["PATH_INFO"] == reverse("triage:dashboard")
    assert f"{received.reference} väntar inte på beslut" in response.content.decode()
    assert not AgendaItem.objects.exists()


# -- a decision started from a template -------------------------------------------------------


def test_a_decline_recorded_from_a_template_reaches_the_owner_in_their_language(
    journey, coordinator
):
    template = decline_template()
    english = _ready(
        IdeaFactory(in_review=True, language="en", title="Repair café", submitter_email="g@x.org")
    )
    meeting = _meeting(coordinator)
    [item] = meetings.agenda_add(meeting=meeting, ideas=[english], actor=coordinator)
    prefix = f"item-{item.position}"
    url = reverse("triage:agenda_item_decide", args=[meeting.public_id, item.public_id])

    # "Use the template" with no decision chosen yet: the page comes back with the message in
    # English, the decision set to decline, the internal note as typed; nothing is recorded.
    response = journey.staff.post(
        url,
        {
            f"{prefix}-template": template.pk,
            f"{prefix}-internal_note": "Utanför uppdraget.",
            "use_template": "Använd mallen",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    filled = "Thank you for “Repair café”. Sadly we cannot support the idea in"
    message = re.search(
        rf'<textarea[^>]*name="{prefix}-message_to_owner"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert message and filled in html.unescape(message.group(1))
    assert "Tack för" not in html.unescape(message.group(1))
    assert re.search(rf'name="{prefix}-decision" value="decline"[^>]*checked', page)
    assert "Utanför uppdraget." in page
    item.refresh_from_db()
    assert item.decision == ""

    response = _decide(
        journey,
        meeting,
        item,
        {"decision": "decline", "message_to_owner": html.unescape(message.group(1)).strip()},
    )
    assert response.status_code == 302
    mark = journey.mark()
    journey._act(
        lambda: journey.staff.post(reverse("triage:meeting_carry_out", args=[meeting.public_id]))
    )
    english.refresh_from_db()
    assert english.status == S.DECLINED
    [mail] = journey.new_mails_to("g@x.org", mark)
    assert mail.language == "en" and filled in mail.text and "Tack för" not in mail.text


def test_use_the_template_without_choosing_one_keeps_what_was_typed(journey, coordinator):
    decline_template()
    idea = _ready(IdeaFactory(in_review=True))
    meeting = _meeting(coordinator)
    [item] = meetings.agenda_add(meeting=meeting, ideas=[idea], actor=coordinator)
    prefix = f"item-{item.position}"
    url = reverse("triage:agenda_item_decide", args=[meeting.public_id, item.public_id])
    response = journey.staff.post(
        url, {f"{prefix}-message_to_owner": "Mitt eget utkast", "use_template": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Mitt eget utkast" in page
        and "Välj en mall och sedan ”Använd mallen”." in html.unescape(page)
    )

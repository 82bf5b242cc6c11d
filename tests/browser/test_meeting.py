"""A committee meeting in a real browser: the coordinator plans it, puts six ideas on the agenda,
records a decision on each with the forms (one refused first, for what it lacks), carries them
all out and opens the minutes; axe-core checks every page (issue 21)."""

import datetime

from django.utils import timezone

from ideas import workflow
from portal.outbox.models import Message
from portal.roles import Role
from tests.factories import (
    IdeaFactory,
    PartnerFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    UserFactory,
)
from triage.models import Meeting

S = workflow.Status


def test_the_coordinator_runs_a_meeting_of_six_ideas_to_its_minutes(portal, coordinator):
    member = UserFactory(username="ledamot2", roles=[Role.COMMITTEE_MEMBER])
    # Four partners: the agenda suggests three, the fourth is in the list of the others.
    for name in ("Leader Bergslagen", "Studieförbundet", "Byalaget", "Hembygdsföreningen"):
        PartnerFactory(name=name, covers_whole_county=True)
    ideas = []
    for number in range(6):
        idea = IdeaFactory(title=f"Idé {number + 1} till mötet", in_review=True)
        ReviewAssignmentFactory(idea=idea, member=member)
        ReviewFactory(idea=idea, member=member, submitted=True)
        ideas.append(idea)
    date = timezone.localdate() + datetime.timedelta(days=3)

    portal.login(coordinator)
    portal.visit("/triage/meetings/")
    portal.page.locator("#id_date").fill(date.isoformat())
    portal.page.locator("#id_title").fill("Arbetsutskottet i december")
    portal.submit("main form button[type=submit]")
    meeting = Meeting.objects.get()
    assert str(meeting.public_id) in portal.page.url

    for idea in ideas:
        portal.page.get_by_label(idea.reference, exact=False).check()
    portal.submit("main form[action$='/agenda/add/'] button[type=submit]")
    assert meeting.items.count() == 6

    # A referral without a note to the partners is refused, and what was typed stays.
    item = "#item-1"
    portal.page.locator(f"{item} input[value=refer]").check()
    portal.page.locator(f"{item} textarea[name$='message_to_owner']").fill(
        "Två partner hör av sig."
    )
    portal.submit(f"{item} form[action$='/decide/'] button[type=submit]")
    assert portal.page.locator("#error-summary").count() == 1
    assert portal.page.locator(f"{item} textarea[name$='message_to_owner']").input_value() == (
        "Två partner hör av sig."
    )
    # One suggested partner (a checkbox) and one the matching does not suggest (the list).
    portal.page.locator(f"{item} input[name$='-suggested']").first.check()
    portal.page.locator(f"{item} select[name$='other_partners']").select_option(index=0)
    portal.page.locator(f"{item} textarea[name$='note_to_partners']").fill("Kan ni hjälpa?")
    portal.submit(f"{item} form[action$='/decide/'] button[type=submit]")

    decisions = [
        ("decline", {"message_to_owner": "Idén ligger utanför partnerskapet."}),
        ("ask", {"message_to_owner": "Vem driver idén?"}),
        ("hold", {"hold_until": (date + datetime.timedelta(days=60)).isoformat()}),
        ("decline", {"message_to_owner": "Tyvärr inte i år."}),
        ("ask", {"message_to_owner": "Finns det en förening bakom?"}),
    ]
    for position, (kind, fields) in enumerate(decisions, start=2):
        item = f"#item-{position}"
        portal.page.locator(f"{item} input[value={kind}]").check()
        for name, value in fields.items():
            portal.page.locator(f"{item} [name$='-{name}']").fill(value)
        portal.submit(f"{item} form[action$='/decide/'] button[type=submit]")
        assert portal.page.locator("#error-summary").count() == 0, kind

    portal.submit("main form[action$='/carry-out/'] button[type=submit]")
    statuses = [idea.__class__.objects.get(pk=idea.pk).status for idea in ideas]
    assert ideas[0].referrals.count() == 2
    assert statuses == [
        S.REFERRED,
        S.DECLINED,
        S.NEEDS_INFORMATION,
        S.ON_HOLD,
        S.DECLINED,
        S.NEEDS_INFORMATION,
    ]
    meeting.refresh_from_db()
    assert meeting.state == "held"
    mails = Message.objects.count()

    portal.follow("main a[href$='/minutes/']")
    for idea in ideas:
        assert portal.page.get_by_text(idea.reference).count() >= 1
    assert Message.objects.count() == mails

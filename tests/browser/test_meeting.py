"""A committee meeting in a real browser: the coordinator merges a second village's idea into one
of the six, plans the meeting, puts the six on the agenda (the merged idea is not offered),
records a decision on each with the forms (one refused first, for what it lacks, one decline
started from an answer template in its owner's English), carries them all out and opens the
minutes; the answer to a question the committee set on the form is on the idea's page; each
owner's mail is in their language; axe-core checks every page (issue 21)."""

import datetime

from django.utils import timezone

from ideas import questions, workflow
from ideas.models import QuestionKind
from portal.outbox.models import Message
from portal.roles import Role
from tests.factories import (
    IdeaFactory,
    PartnerFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    UserFactory,
)
from tests.ideas.test_form_questions import BUS, texts
from tests.triage.test_batch_actions import decline_template
from triage.models import Meeting
from triage.review.merges import IdeaMerge

S = workflow.Status


def test_the_coordinator_runs_a_meeting_of_six_ideas_to_its_minutes(portal, coordinator):
    member = UserFactory(username="ledamot2", roles=[Role.COMMITTEE_MEMBER])
    # Four partners: the agenda suggests three, the fourth is in the list of the others.
    for name in ("Leader Bergslagen", "Studieförbundet", "Byalaget", "Hembygdsföreningen"):
        PartnerFactory(name=name, covers_whole_county=True)
    template = decline_template()
    ideas = []
    for number in range(6):
        idea = IdeaFactory(
            title=f"Idé {number + 1} till mötet",
            in_review=True,
            language="en" if number == 1 else "sv",
            submitter_email=f"owner{number + 1}@example.org",
        )
        ReviewAssignmentFactory(idea=idea, member=member)
        ReviewFactory(idea=idea, member=member, submitted=True)
        ideas.append(idea)
    # The committee set a question on the form; the first idea's owner answered it.
    asked = questions.question_add(
        kind=QuestionKind.TEXT,
        required=False,
        texts=texts(BUS),
    )
    questions.answers_save(
        idea=ideas[0], answers=[(asked.versions.get(), "Med bussen, två gånger i veckan.")]
    )
    # The fifth idea came twice: an Arabic-speaking owner in the next village sent it too.
    twin = IdeaFactory(
        title="فكرة من القرية المجاورة",
        in_review=True,
        language="ar",
        submitter_email="twin@example.org",
    )
    date = timezone.localdate() + datetime.timedelta(days=3)

    portal.login(coordinator)
    portal.visit(f"/triage/ideas/{ideas[4].reference}/")
    portal.page.get_by_label("Referensnummer för idéerna som ska slås samman med den här").fill(
        twin.reference
    )
    portal.submit("#duplicates form[action$='/merge/'].row button[type=submit]")
    assert IdeaMerge.objects.filter(kept=ideas[4], merged=twin, undone_at__isnull=True).exists()

    portal.visit("/triage/meetings/")
    portal.page.locator("#id_date").fill(date.isoformat())
    portal.page.locator("#id_title").fill("Arbetsutskottet i december")
    portal.submit("main form button[type=submit]")
    meeting = Meeting.objects.get()
    assert str(meeting.public_id) in portal.page.url

    # The merged idea is decided with the idea it is merged into: it is not offered.
    assert portal.page.get_by_label(twin.reference, exact=False).count() == 0
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

    # The second idea's owner wrote in English: the decline starts from a template, which fills
    # the message in English; the coordinator records it as filled.
    item = "#item-2"
    portal.page.locator(f"{item} select[name$='-template']").select_option(str(template.pk))
    portal.submit(f"{item} input[name=use_template]")
    filled = portal.page.locator(f"{item} textarea[name$='message_to_owner']").input_value()
    assert filled.startswith("Thank you for “Idé 2 till mötet”.") and "Tack för" not in filled
    assert portal.page.locator(f"{item} input[value=decline]").is_checked()
    portal.submit(f"{item} form[action$='/decide/'] button[type=submit]")
    assert portal.page.locator("#error-summary").count() == 0

    decisions = [
        ("ask", {"message_to_owner": "Vem driver idén?"}),
        ("hold", {"hold_until": (date + datetime.timedelta(days=60)).isoformat()}),
        ("decline", {"message_to_owner": "Tyvärr inte i år."}),
        ("ask", {"message_to_owner": "Finns det en förening bakom?"}),
    ]
    for position, (kind, fields) in enumerate(decisions, start=3):
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
    # Each owner is told in their own language: the template's English, and the twin's owner,
    # in Arabic, that the two ideas are finished, without the other owner's words.
    declined = Message.objects.filter(recipient="owner2@example.org").latest("pk")
    assert declined.language == "en" and filled.splitlines()[0] in declined.body_text
    assert "Tack för" not in declined.body_text
    relayed = Message.objects.filter(recipient="twin@example.org").latest("pk")
    assert "انتهت اللجنة من معالجة الفكرتين" in relayed.body_text
    assert "Tyvärr inte i år." not in relayed.body_text
    assert twin.__class__.objects.get(pk=twin.pk).status == S.IN_REVIEW  # its own, frozen
    mails = Message.objects.count()

    # The referred idea's page shows the owner's answer under the question as it was asked.
    portal.visit(f"/triage/ideas/{ideas[0].reference}/")
    main = portal.page.locator("main").inner_text()
    assert BUS["sv"] in main and "Med bussen, två gånger i veckan." in main
    portal.visit(f"/triage/meetings/{meeting.public_id}/")

    portal.follow("main a[href$='/minutes/']")
    for idea in ideas:
        assert portal.page.get_by_text(idea.reference).count() >= 1
    assert Message.objects.count() == mails

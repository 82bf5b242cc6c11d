"""Duplicates: the coordinator merges ideas from two villages into one that stays, and can undo
it. Every owner keeps their idea and tracking page, is told in their own language, and never
reads who sent the other idea; the kept idea's status changes reach every owner."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ideas import services, workflow
from ideas.models import Idea, IdeaEvent, Theme
from portal.outbox.models import Message
from portal.outbox.selectors import messages_about
from tests.factories import IdeaFactory, PartnerFactory, municipality
from triage.dashboard.selectors import dashboard_ideas, status_counts
from triage.referrals.services import idea_refer
from triage.review.merges import (
    IdeaMerge,
    MergeRefused,
    merge_ideas,
    merge_undo,
    relays_status,
)
from triage.review.similarity import comparable, idea_words, likeness, similar_ideas

pytestmark = pytest.mark.django_db

REVIEW_THEN_REFERRED = (workflow.Status.IN_REVIEW, workflow.Status.REFERRED)
LINK = re.compile(r"https?://[^/\s]+(/track/[^/\s]+/)")

# The kept idea's owner, and what only they and the committee may read.
KEPT_OWNER = {"name": "Karin Kvarn", "email": "karin.kvarn@example.org", "phone": "070-111 22 33"}
KEPT_TEXT = "Fiberföreningen i Ramsberg vill gräva fiber till alla gårdar i byn."
# The merged idea's owner, Arabic-speaking, from another village.
MERGED_OWNER = {"name": "Samir Haddad", "email": "samir.haddad@example.org", "phone": "070-444"}

# The owners' words for the merge and its undo, in each language.
TOLD = {
    "sv": "Arbetsutskottet hanterar nu de två idéerna tillsammans.",
    "en": "The committee now handles the two ideas together.",
    "ar": "تعالج اللجنة الآن الفكرتين معًا.",
    "sv-easy": "Nu tar gruppen hand om de två idéerna ihop.",
}
UNDONE = {
    "sv": "Den hanteras för sig igen.",
    "ar": "تتم معالجتها وحدها من جديد.",
    "en": "It is handled on its own again.",
    "sv-easy": "Vi tar hand om den för sig igen.",
}


def submit(*, language: str, title: str, owner: dict, public: bool = False, **fields) -> Idea:
    return services.idea_submit(
        title=title,
        description=fields.pop("description", "Vi vill ha fiber och bredband till byn."),
        municipality=municipality(fields.pop("code", "1885")),
        themes=[Theme.objects.order_by("pk").first()],
        language=language,
        submitter_name=owner["name"],
        submitter_email=owner["email"],
        submitter_phone=owner["phone"],
        public_listing=public,
        **fields,
    ).idea


def screened(idea: Idea, coordinator) -> Idea:
    return services.idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=coordinator)


def mails_to(email: str) -> list[Message]:
    return list(Message.objects.filter(recipient=email).order_by("pk"))


def tracking_page(idea: Idea) -> str:
    receipt = mails_to(idea.submitter_email)[0]
    response = Client().get(LINK.search(receipt.body_text).group(1))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pair(coordinator):
    kept = screened(
        submit(
            language="sv",
            title="Fiber till Ramsberg",
            owner=KEPT_OWNER,
            need=KEPT_TEXT,
            organisation_name="Fiberföreningen i Ramsberg",
        ),
        coordinator,
    )
    merged = submit(
        language="ar",
        title="ألياف ضوئية لقريتنا",
        owner=MERGED_OWNER,
        description="نريد الإنترنت السريع لكل البيوت في القرية.",
        code="1814",
    )
    return kept, merged


# --- The rules, as plain functions --------------------------------------------------------


def test_ideas_in_different_languages_are_never_compared():
    assert comparable("sv", "sv-easy") and comparable("ar", "ar")
    assert not comparable("ar", "sv") and not comparable("en", "sv")


def test_similar_ideas_are_only_those_of_the_same_language_and_say_which_words_they_share():
    idea = IdeaFactory(title="Fiber till Ramsberg", description="Fiber och bredband till byn.")
    twin = IdeaFactory(title="Fiber i Ramsberg", description="Bredband och fiber behövs i byn.")
    # The same words, but stored as an English idea: not compared.
    IdeaFactory(
        title="Fiber till Ramsberg", description="Fiber och bredband till byn.", language="en"
    )
    IdeaFactory(title="Konstutställning", description="Måleri i församlingshemmet.")
    closed = IdeaFactory(title="Fiber till Ramsberg", description="Fiber och bredband till byn.")
    Idea.objects.filter(pk=closed.pk).update(status=workflow.Status.CLOSED)

    found = similar_ideas(idea)

    assert [similar.idea.pk for similar in found] == [twin.pk]
    assert set(found[0].shared) >= {"fiber", "ramsberg", "bredband", "byn"}


def test_arabic_ideas_are_compared_with_their_marks_and_letter_forms_made_one():
    written = idea_words("إنترنت سريع للقرية", "", "نُريد إنترنت")
    plain = idea_words("انترنت سريع للقريه", "", "نريد انترنت")
    assert written == plain


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=80), st.text(min_size=0, max_size=80))
def test_likeness_is_symmetric_and_between_nothing_and_all(first, second):
    a, b = idea_words(first, "", ""), idea_words(second, "", "")
    ab, ba = likeness(a, b), likeness(b, a)
    assert ab == ba
    assert 0 <= ab.score <= 1
    assert likeness(a, a).score == (1 if a else 0)


def test_only_the_moves_the_kept_owner_is_told_of_reach_the_merged_owners_less_their_own():
    assert relays_status(workflow.Status.SCREENING, workflow.Status.IN_REVIEW)
    assert relays_status(workflow.Status.IN_REVIEW, workflow.Status.DECLINED)
    assert relays_status(workflow.Status.IN_SUPPORT, workflow.Status.CLOSED)
    # A question for the kept owner, its answer, their withdrawal, a move nobody is told of.
    assert not relays_status(workflow.Status.IN_REVIEW, workflow.Status.NEEDS_INFORMATION)
    assert not relays_status(workflow.Status.NEEDS_INFORMATION, workflow.Status.IN_REVIEW)
    assert not relays_status(workflow.Status.SCREENING, workflow.Status.WITHDRAWN)
    assert not relays_status(workflow.Status.REFERRED, workflow.Status.IN_REVIEW)


# --- Merge and undo -----------------------------------------------------------------------


def test_a_merged_idea_keeps_its_owner_and_status_and_leaves_the_dashboard(pair, coordinator):
    kept, merged = pair
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)

    merged.refresh_from_db()
    assert merged.status == workflow.Status.RECEIVED
    assert merged.submitter_email == MERGED_OWNER["email"]
    listed = set(dashboard_ideas(user=coordinator).values_list("pk", flat=True))
    assert kept.pk in listed and merged.pk not in listed
    assert sum(count.total for count in status_counts()) == len(listed)
    # Both histories say so; the merged idea's status did not move.
    note = IdeaEvent.objects.filter(idea=merged).last()
    assert note.from_status == note.to_status == workflow.Status.RECEIVED
    assert kept.reference in note.internal_note and note.actor == coordinator
    assert merged.reference in IdeaEvent.objects.filter(idea=kept).last().internal_note


def test_the_undo_brings_the_idea_back_with_its_status_and_tells_its_owner(pair, coordinator):
    kept, merged = pair
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)
    merge_undo(merged=merged, actor=coordinator)

    merge = IdeaMerge.objects.get()
    assert merge.undone_at is not None and merge.undone_by == coordinator
    assert Idea.objects.get(pk=merged.pk).status == merge.status_at_merge
    assert merged.pk in set(dashboard_ideas(user=coordinator).values_list("pk", flat=True))
    last = mails_to(MERGED_OWNER["email"])[-1]
    assert last.language == "ar" and UNDONE["ar"] in last.body_text
    assert "Sammanslagningen ångrad" in IdeaEvent.objects.filter(idea=merged).last().internal_note
    # It can be merged again, and undone again.
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)
    merge_undo(merged=merged, actor=coordinator)
    assert IdeaMerge.objects.count() == 2


@pytest.mark.parametrize(
    "case",
    ["itself", "already merged", "into a merged idea", "into a closed idea", "referred", "kept"],
)
def test_a_merge_that_cannot_be_made_says_why_and_changes_nothing(pair, coordinator, case):
    kept, merged = pair
    third = screened(IdeaFactory(), coordinator)
    if case == "itself":
        target, others = kept, [kept]
    elif case == "already merged":
        merge_ideas(kept=third, merged=[merged], actor=coordinator)
        target, others = kept, [merged]
    elif case == "into a merged idea":
        merge_ideas(kept=third, merged=[merged], actor=coordinator)
        target, others = merged, [kept]
    elif case == "into a closed idea":
        Idea.objects.filter(pk=third.pk).update(status=workflow.Status.DECLINED)
        target, others = Idea.objects.get(pk=third.pk), [merged]
    elif case == "referred":
        Idea.objects.filter(pk=third.pk).update(status=workflow.Status.REFERRED)
        target, others = kept, [merged, Idea.objects.get(pk=third.pk)]
    else:  # an idea others are merged into cannot itself be merged away
        merge_ideas(kept=third, merged=[merged], actor=coordinator)
        target, others = kept, [third]
    merges, mails = IdeaMerge.objects.count(), Message.objects.count()

    with pytest.raises(MergeRefused) as refused:
        merge_ideas(kept=target, merged=others, actor=coordinator)

    assert str(refused.value)
    assert IdeaMerge.objects.count() == merges and Message.objects.count() == mails


def test_only_the_coordinator_merges_and_undoes(pair, committee_member, coordinator):
    kept, merged = pair
    with pytest.raises(MergeRefused):
        merge_ideas(kept=kept, merged=[merged], actor=committee_member)
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)
    with pytest.raises(MergeRefused):
        merge_undo(merged=merged, actor=committee_member)
    with pytest.raises(MergeRefused):
        merge_undo(merged=kept, actor=coordinator)  # not merged: nothing to undo


def test_staff_do_not_move_a_merged_idea_on_its_own(pair, coordinator):
    kept, merged = pair
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)
    with pytest.raises(workflow.TransitionNotAllowed):
        screened(merged, coordinator)
    merge_undo(merged=merged, actor=coordinator)
    assert screened(merged, coordinator).status == workflow.Status.SCREENING


# --- What each owner reads ----------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "en", "ar", "sv-easy"])
def test_each_owner_is_told_in_their_language_without_the_other_owners_data(coordinator, language):
    kept = screened(
        submit(language="sv", title="Fiber till Ramsberg", owner=KEPT_OWNER, need=KEPT_TEXT),
        coordinator,
    )
    merged = submit(language=language, title="Fiber till Fröviby", owner=MERGED_OWNER)

    merge_ideas(kept=kept, merged=[merged], actor=coordinator)

    mail = mails_to(MERGED_OWNER["email"])[-1]
    assert mail.language == language
    assert TOLD[language] in mail.body_text and TOLD[language] in mail.body_html
    assert merged.title in mail.body_text and LINK.search(mail.body_text)
    kept_mail = mails_to(KEPT_OWNER["email"])[-1]
    assert kept_mail.language == "sv" and TOLD["sv"] in kept_mail.body_text
    for value in (*KEPT_OWNER.values(), KEPT_TEXT, kept.title, kept.reference):
        assert value not in mail.body_text + mail.body_html + mail.subject
    for value in (*MERGED_OWNER.values(), merged.title, merged.reference):
        assert value not in kept_mail.body_text + kept_mail.body_html + kept_mail.subject

    page = tracking_page(merged)
    assert 'id="together"' in page
    for value in (*KEPT_OWNER.values(), KEPT_TEXT, kept.title, kept.reference):
        assert value not in page
    assert 'id="together"' in tracking_page(kept)
    assert MERGED_OWNER["name"] not in tracking_page(kept)


def test_the_other_title_is_named_only_when_both_owners_list_their_ideas_publicly(coordinator):
    kept = screened(
        submit(language="sv", title="Fiber till Ramsberg", owner=KEPT_OWNER, public=True),
        coordinator,
    )
    shy = submit(language="sv", title="Fiber till Fröviby", owner=MERGED_OWNER)
    open_owner = {"name": "Olle Öppen", "email": "olle@example.org", "phone": ""}
    listed = submit(language="sv", title="Fiber till Gusselby", owner=open_owner, public=True)

    merge_ideas(kept=kept, merged=[shy, listed], actor=coordinator)

    assert kept.title not in mails_to(MERGED_OWNER["email"])[-1].body_text
    assert kept.title not in tracking_page(shy)
    assert kept.title in mails_to("olle@example.org")[-1].body_text
    assert kept.title in tracking_page(listed)
    # Two ideas merged into the kept one: neither title is named to its owner.
    assert listed.title not in tracking_page(kept)


def test_the_kept_ideas_status_changes_and_outcome_reach_every_merged_owner(pair, coordinator):
    kept, merged = pair
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)
    before = len(mails_to(MERGED_OWNER["email"]))

    services.idea_transition(idea=kept, to=workflow.Status.IN_REVIEW, actor=coordinator)
    services.idea_ask_question(idea=kept, question="Hur många gårdar, Karin?", actor=coordinator)
    services.idea_answer_question(idea=Idea.objects.get(pk=kept.pk), answer="Fyrtio.")
    idea_refer(
        idea=Idea.objects.get(pk=kept.pk),
        partners=[PartnerFactory(name="Bygdens fiberförening")],
        note_to_partners="Ring Karin.",
        message_to_owner="Karin, de ringer dig.",
        actor=coordinator,
    )

    told = mails_to(MERGED_OWNER["email"])[before:]
    # In review, then referred: not the question to Karin nor its answer.
    assert len(told) == 2
    assert all(mail.language == "ar" for mail in told)
    with translation.override("ar"):
        labels = [str(workflow.PUBLIC_LABELS[status]) for status in REVIEW_THEN_REFERRED]
    assert [label in mail.body_text for label, mail in zip(labels, told, strict=True)] == [1, 1]
    for mail in told:
        assert "Karin" not in mail.body_text and "Fyrtio" not in mail.body_text
        assert merged.title in mail.body_text
    page = tracking_page(merged)
    assert f'id="together-status">{labels[1]}<' in page


def test_a_declined_kept_idea_tells_every_merged_owner_that_it_is_finished(pair, coordinator):
    kept, merged = pair
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)
    services.idea_transition(
        idea=kept,
        to=workflow.Status.DECLINED,
        actor=coordinator,
        message_to_owner="Karin, vi kan inte hjälpa till.",
    )
    mail = mails_to(MERGED_OWNER["email"])[-1]
    assert "انتهت اللجنة من معالجة الفكرتين" in mail.body_text
    assert "Karin" not in mail.body_text


def test_when_the_kept_idea_is_withdrawn_the_merged_ideas_go_on_on_their_own(pair, coordinator):
    kept, merged = pair
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)
    services.idea_withdraw(idea=kept)

    assert IdeaMerge.objects.get().undone_label == "system"
    assert UNDONE["ar"] in mails_to(MERGED_OWNER["email"])[-1].body_text
    assert merged.pk in set(dashboard_ideas(user=coordinator).values_list("pk", flat=True))


def test_a_merged_owner_still_gets_their_data_and_can_erase_it(pair, coordinator):
    kept, merged = pair
    merge_ideas(kept=kept, merged=[merged], actor=coordinator)
    link = LINK.search(mails_to(MERGED_OWNER["email"])[0].body_text).group(1)
    client = Client()

    data = client.post(link + "my-data/")
    assert data.status_code == 200 and MERGED_OWNER["email"] in data.content.decode()
    response = client.post(link + "erase/", {"confirm": "on"})
    assert response.status_code in (200, 302)

    merged.refresh_from_db()
    assert merged.anonymised_at is not None and not merged.submitter_email
    assert IdeaMerge.objects.get().undone_at is None  # still handled together
    for message in messages_about(merged):
        assert MERGED_OWNER["email"] not in message.body_text + message.recipient
    assert client.get(link).status_code == 200
    # A later status change of the kept idea mails nobody at the erased address.
    mails = messages_about(merged).count()
    services.idea_transition(idea=kept, to=workflow.Status.IN_REVIEW, actor=coordinator)
    assert messages_about(merged).count() == mails


# --- The committee's page -----------------------------------------------------------------


def _page(client: Client, idea: Idea) -> str:
    return client.get(reverse("triage:idea_detail", args=[idea.reference])).content.decode()


def test_the_coordinator_merges_from_the_page_and_both_pages_say_so(pair, coordinator_client):
    kept, merged = pair
    response = coordinator_client.post(
        reverse("triage:idea_merge", args=[kept.reference]), {"references": merged.reference}
    )
    assert response.status_code == 302

    assert merged.reference in _page(coordinator_client, kept)
    page = _page(coordinator_client, merged)
    assert 'id="merged-into"' in page and kept.reference in page
    assert 'id="move-heading"' not in page  # moved with the kept idea

    coordinator_client.post(
        reverse("triage:idea_merge_undo", args=[merged.reference]), {"back": "kept"}
    )
    assert 'id="merged-into"' not in _page(coordinator_client, merged)


def test_a_refused_merge_shows_its_reason_next_to_the_field_and_keeps_what_was_typed(
    pair, coordinator_client
):
    kept, _merged = pair
    typed = f"{kept.reference}, IL-1999-0001"
    response = coordinator_client.post(
        reverse("triage:idea_merge", args=[kept.reference]), {"references": typed}
    )
    assert response.status_code == 400
    form = response.context["merge_form"]
    assert "IL-1999-0001" in form.errors["references"][0]
    assert typed in response.content.decode()

    response = coordinator_client.post(
        reverse("triage:idea_merge", args=[kept.reference]), {"references": kept.reference}
    )
    assert response.status_code == 400
    assert "itself" in str(response.context["merge_form"].errors["references"]) or (
        "sig själv" in str(response.context["merge_form"].errors["references"])
    )
    assert not IdeaMerge.objects.exists()


def test_a_committee_member_sees_the_similar_ideas_but_may_not_merge(pair, committee_client):
    kept, merged = pair
    twin = IdeaFactory(title="Fiber till Ramsberg by", description="Fiber och bredband till byn.")
    page = _page(committee_client, kept)
    assert twin.reference in page and "Liknande idéer" in page
    assert reverse("triage:idea_merge", args=[kept.reference]) not in page
    assert 'id="merge-heading"' not in page
    response = committee_client.post(
        reverse("triage:idea_merge", args=[kept.reference]), {"references": merged.reference}
    )
    assert response.status_code == 403
    assert not IdeaMerge.objects.exists()

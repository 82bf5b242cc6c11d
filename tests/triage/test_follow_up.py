"""The follow-up survey as each person meets it: the owner's mail (in the owner's language) some
months after a partner reported support, the tokened page and its errors, one answer only; the
committee's statistics per partner and theme with small groups hidden; nothing for withdrawn or
erased ideas; erasure clears the owner's words."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ideas import workflow
from ideas.services import idea_erase_personal_data, idea_withdraw
from ideas.tokens import hash_token
from portal.outbox.models import Message
from tests.factories import (
    IdeaFactory,
    PartnerFactory,
    ReferralFactory,
    SupportKindFactory,
    ThemeFactory,
)
from triage.models import FollowUpSurvey, SupportReport
from triage.referrals.follow_up import FollowUpAlreadyAnswered, follow_up_answer, follow_up_send
from triage.tasks import send_follow_up_surveys

pytestmark = pytest.mark.django_db

SURVEY_LINK = re.compile(r"https?://[^\s\"<]+/follow-up/([^/\s\"<]+)/")
PARTNER_REPORT = "Vi hjälpte byalaget med en ansökan till Leader."


def supported(*, months_ago: float = 3.2, language: str = "sv", partner=None, idea=None):
    """A referral whose partner reported support `months_ago` months back."""
    idea = idea or IdeaFactory(
        status=workflow.Status.IN_SUPPORT, language=language, submitter_name="Anna Andersson"
    )
    referral = ReferralFactory(idea=idea, partner=partner or PartnerFactory(), state="in_support")
    SupportReport.objects.create(
        referral=referral,
        kind=SupportKindFactory(),
        text=PARTNER_REPORT,
        progress="under_way",
        created_at=timezone.now() - timedelta(days=30.5 * months_ago),
    )
    return referral


def run_beat(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return send_follow_up_surveys()


def survey_token(message) -> str:
    return SURVEY_LINK.search(message.body).group(1)


# --- The mail, as the owner gets it


@pytest.mark.parametrize(
    ("language", "subject", "words", "foreign"),
    [
        (
            "sv",
            "Hur gick stödet?",
            ["Hej Anna Andersson!", "Tre korta frågor", "Bara partnerskapets arbetsutskott"],
            ["Three short questions", "ثلاثة أسئلة"],
        ),
        (
            "en",
            "How did the support go?",
            ["Hello Anna Andersson,", "Three short questions", "you answer only once"],
            ["Tre korta frågor", "ثلاثة أسئلة"],
        ),
        (
            "ar",
            "كيف سار الدعم؟",
            ["ثلاثة أسئلة قصيرة", "لا يقرأ إجاباتك إلا اللجنة التنفيذية للشراكة"],
            ["Three short questions", "Tre korta frågor", "Hello"],
        ),
    ],
)
def test_the_owner_is_asked_in_their_language_some_months_after_the_support_was_reported(
    django_capture_on_commit_callbacks, language, subject, words, foreign
):
    referral = supported(language=language)

    assert run_beat(django_capture_on_commit_callbacks) == 1

    [message] = mail.outbox
    assert message.to == [referral.idea.submitter_email]
    assert message.subject.startswith(subject) and referral.idea.reference in message.subject
    for text in [*words, referral.partner.name, referral.idea.title]:
        assert text in message.body, text
    for text in foreign:
        assert text not in message.body, text
    # The survey's own link, and the idea's page as in every mail to the owner.
    assert survey_token(message)
    assert f"/track/{referral.idea.tracking_token}/" in message.body
    # What the partner wrote for the committee stays with the committee.
    assert PARTNER_REPORT not in message.body
    html_body = message.alternatives[0][0]
    assert f'lang="{language}"' in html_body
    assert ('dir="rtl"' in html_body) is (language == "ar")


def test_before_the_months_have_passed_nobody_is_asked(
    django_capture_on_commit_callbacks, settings
):
    settings.FOLLOW_UP_SURVEY_MONTHS = 3
    supported(months_ago=2.5)

    assert run_beat(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and not FollowUpSurvey.objects.exists()


def test_the_months_are_a_setting(django_capture_on_commit_callbacks, settings):
    settings.FOLLOW_UP_SURVEY_MONTHS = 2
    supported(months_ago=2.5)
    assert run_beat(django_capture_on_commit_callbacks) == 1


def test_the_survey_goes_once_however_often_beat_runs(django_capture_on_commit_callbacks):
    referral = supported()
    # A second report later changes nothing: the survey is about the referral.
    SupportReport.objects.create(
        referral=referral, kind=SupportKindFactory(), text="Mer stöd.", progress="finished"
    )

    assert run_beat(django_capture_on_commit_callbacks) == 1
    assert run_beat(django_capture_on_commit_callbacks) == 0

    assert len(mail.outbox) == 1
    assert FollowUpSurvey.objects.count() == 1
    assert Message.objects.filter(idempotency_key=f"follow-up:{referral.pk}").count() == 1


def test_each_partner_that_gave_support_is_asked_about_once(django_capture_on_commit_callbacks):
    first = supported()
    supported(idea=first.idea)

    assert run_beat(django_capture_on_commit_callbacks) == 2
    assert len({survey_token(message) for message in mail.outbox}) == 2


def test_withdrawn_and_erased_ideas_get_no_survey(django_capture_on_commit_callbacks):
    withdrawn = supported()
    idea_withdraw(idea=withdrawn.idea)
    erased = supported()
    idea_erase_personal_data(idea=erased.idea)
    mail.outbox.clear()

    assert run_beat(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and not FollowUpSurvey.objects.exists()


def test_only_the_hash_of_the_surveys_token_is_stored(django_capture_on_commit_callbacks):
    supported()
    run_beat(django_capture_on_commit_callbacks)
    token = survey_token(mail.outbox[0])

    survey = FollowUpSurvey.objects.get()
    assert survey.token_hash == hash_token(token)
    assert token not in str(FollowUpSurvey.objects.values().get())
    assert len(token) >= 32  # 24 random bytes, not a guessable id


# --- The page


@pytest.fixture
def asked(django_capture_on_commit_callbacks):
    """A Swedish owner who got the survey: (referral, the page's address)."""
    referral = supported()
    run_beat(django_capture_on_commit_callbacks)
    return referral, reverse("follow_up:survey", kwargs={"token": survey_token(mail.outbox[0])})


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_the_page_asks_three_questions_with_labels_and_needs_no_javascript(client, asked):
    referral, url = asked
    page = text_of(client.get(url))

    assert '<html lang="sv"' in page
    assert "Fick du den hjälp du behövde?" in page and "Vad hände?" in page
    assert "Finns det något partnerskapet borde veta?" in page
    radios = re.findall(r'<input[^>]*name="rating"[^>]*>', page)
    assert len(radios) == 5 and all('type="radio"' in radio for radio in radios)
    assert re.search(r'<label\s+for="id_what_happened"', page)
    assert re.search(r'<label\s+for="id_for_the_partnership"', page)
    assert "<script" not in page.split("<form", 1)[1].split("</form>")[0]
    assert referral.partner.name in page
    assert PARTNER_REPORT not in page


def test_the_page_is_in_the_owners_language_whatever_the_browser_says(
    client, django_capture_on_commit_callbacks
):
    supported(language="ar")
    run_beat(django_capture_on_commit_callbacks)
    url = reverse("follow_up:survey", kwargs={"token": survey_token(mail.outbox[0])})

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    page = text_of(response)
    assert '<html lang="ar" dir="rtl"' in page
    assert "هل حصلت على المساعدة التي كنت تحتاجها؟" in page
    assert "Did you get the help you needed?" not in page
    assert response["Content-Language"] == "ar"


def test_a_missing_rating_and_too_long_text_are_named_at_their_fields_and_nothing_is_lost(
    client, asked
):
    _referral, url = asked
    typed = "Vi fick hjälp med ansökan och en lokal."

    response = client.post(url, {"what_happened": typed, "for_the_partnership": "x" * 2001})

    assert response.status_code == 400
    page = text_of(response)
    assert 'href="#id_rating_0"' in page  # the error summary leads to the field
    assert "Välj en siffra från 1 till 5." in page
    assert "som mest 2000 tecken" in page
    assert typed in page and "x" * 2001 in page
    assert FollowUpSurvey.objects.get().answered_at is None


def test_a_rating_outside_one_to_five_is_refused(client, asked):
    _referral, url = asked
    response = client.post(url, {"rating": "9"})
    assert response.status_code == 400
    assert "Välj en siffra från 1 till 5." in text_of(response)


def test_the_answers_are_stored_with_the_referral_and_a_second_answer_is_refused_kindly(
    client, asked
):
    referral, url = asked

    response = client.post(url, {"rating": "4", "what_happened": "Bra hjälp."})
    assert response.status_code == 302
    assert "Vi har fått dina svar. Tack!" in text_of(client.get(url))
    survey = referral.follow_up_survey
    survey.refresh_from_db()
    assert (survey.rating, survey.what_happened) == (4, "Bra hjälp.")

    again = client.post(url, {"rating": "1", "what_happened": "Ändrat."})
    assert again.status_code == 409
    assert "Du har redan svarat på frågorna. Tack! Vi behåller dina första svar." in text_of(again)
    survey.refresh_from_db()
    assert (survey.rating, survey.what_happened) == (4, "Bra hjälp.")


def test_a_made_up_link_finds_nothing(client, asked):
    response = client.get(reverse("follow_up:survey", kwargs={"token": "a" * 32}))
    assert response.status_code == 404
    assert "Vi hittar inte frågorna." in text_of(response)


def test_after_withdrawal_the_survey_can_no_longer_be_answered(client, asked):
    referral, url = asked
    idea_withdraw(idea=referral.idea)

    response = client.post(url, {"rating": "5"})
    assert response.status_code == 410
    assert "Det går inte längre att svara på frågorna." in text_of(response)
    assert FollowUpSurvey.objects.get().answered_at is None


# --- Erasure


def test_erasure_clears_the_owners_words_and_keeps_only_the_rating(asked):
    referral, _url = asked
    follow_up_answer(
        survey=referral.follow_up_survey,
        rating=2,
        what_happened="Anna Andersson ringde 070-123 45 67.",
        for_the_partnership="Ring Anna.",
    )

    idea_erase_personal_data(idea=referral.idea)

    survey = FollowUpSurvey.objects.get()
    assert (survey.what_happened, survey.for_the_partnership, survey.rating) == ("", "", 2)


# --- The committee's statistics


def answered(partner, theme, rating: int) -> None:
    idea = IdeaFactory(status=workflow.Status.CLOSED, themes=[theme])
    referral = ReferralFactory(idea=idea, partner=partner, state="support_finished")
    survey = FollowUpSurvey.objects.create(referral=referral, token_hash=hash_token(f"t{idea.pk}"))
    follow_up_answer(survey=survey, rating=rating)


def row(page: str, table: str, label: str) -> str:
    section = page[page.index(f'id="follow-up-{table}"') :].split("</table>")[0]
    match = re.search(rf"{re.escape(label)}</th>(.*?)</tr>", section)
    assert match, (label, section)
    return match.group(1)


def test_statistics_show_count_and_mean_per_partner_and_theme_and_hide_groups_under_three(
    committee_client,
):
    few, many = PartnerFactory(name="Bygdegårdarna"), PartnerFactory(name="Hushållningssällskapet")
    small_theme = ThemeFactory(name_sv="Bredband")
    big_theme = ThemeFactory(name_sv="Service på landsbygden")
    for rating in (1, 5):
        answered(few, small_theme, rating)
    for rating in (3, 4, 5):
        answered(many, big_theme, rating)

    page = text_of(committee_client.get(reverse("triage:statistics")))

    assert "Vad idébärarna tyckte om stödet" in page
    assert row(page, "partners", "Hushållningssällskapet") == (
        '<td class="text-end">3</td><td class="text-end">4.0</td>'
    )
    assert row(page, "partners", "Bygdegårdarna") == (
        '<td class="text-end">färre än 3</td><td class="text-end">–</td>'
    )
    assert row(page, "themes", "Service på landsbygden").startswith('<td class="text-end">3<')
    assert "färre än 3" in row(page, "themes", "Bredband")
    assert "3.0" not in page.split('id="follow-up"')[1]  # the two hidden answers' mean


def test_the_statistics_page_with_the_survey_is_for_the_committee_only(client, partner_contact):
    client.force_login(partner_contact)
    assert client.get(reverse("triage:statistics")).status_code == 403


# --- Who reads the answers


def test_the_committee_reads_the_answers_on_the_ideas_page_and_the_partner_does_not(
    client, committee_client, asked
):
    from tests.triage.test_partner_answers import partner_login

    referral, _url = asked
    follow_up_answer(
        survey=referral.follow_up_survey,
        rating=4,
        what_happened="Vi fick en lokal.",
        for_the_partnership="Fler sådana partner!",
    )

    page = text_of(
        committee_client.get(reverse("triage:idea_detail", args=[referral.idea.reference]))
    )
    assert "Idébärarens uppföljning: fick den hjälp som behövdes, 4 av 5." in page
    assert "Vi fick en lokal." in page and "Fler sådana partner!" in page

    partner_login(client, referral.partner)
    partner_page = text_of(
        client.get(reverse("partner_portal:referral_detail", args=[referral.pk]))
    )
    assert referral.idea.title in partner_page
    assert "Vi fick en lokal." not in partner_page and "Fler sådana partner!" not in partner_page


# --- Each rule also holds in the services themselves, whoever calls them


def test_sending_the_same_survey_twice_by_hand_sends_it_once(django_capture_on_commit_callbacks):
    referral = supported()
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_send(referral=referral) is not None
        assert follow_up_send(referral=referral) is None
    assert len(mail.outbox) == 1


def test_a_withdrawn_or_erased_owner_is_never_asked_even_by_hand(
    django_capture_on_commit_callbacks,
):
    withdrawn, erased = supported(), supported()
    idea_withdraw(idea=withdrawn.idea)
    idea_erase_personal_data(idea=erased.idea)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_send(referral=withdrawn) is None
        assert follow_up_send(referral=erased) is None
    assert mail.outbox == [] and not FollowUpSurvey.objects.exists()


def test_the_service_refuses_a_second_answer_and_keeps_the_first(asked):
    referral, _url = asked
    follow_up_answer(survey=referral.follow_up_survey, rating=5, what_happened="Toppen.")

    with pytest.raises(FollowUpAlreadyAnswered):
        follow_up_answer(survey=referral.follow_up_survey, rating=1, what_happened="Dåligt.")

    survey = FollowUpSurvey.objects.get()
    assert (survey.rating, survey.what_happened) == (5, "Toppen.")


def test_an_answer_shows_on_the_statistics_kept_in_the_cache_at_once(committee_client):
    partner, theme = PartnerFactory(name="Bygdegårdarna"), ThemeFactory(name_sv="Bredband")
    for rating in (2, 4):
        answered(partner, theme, rating)
    # The third survey is sent before the page is read, and answered after.
    idea = IdeaFactory(status=workflow.Status.CLOSED, themes=[theme])
    referral = ReferralFactory(idea=idea, partner=partner, state="support_finished")
    survey = FollowUpSurvey.objects.create(referral=referral, token_hash=hash_token("sista"))
    before = text_of(committee_client.get(reverse("triage:statistics")))
    assert "färre än 3" in row(before, "partners", "Bygdegårdarna")

    follow_up_answer(survey=survey, rating=3)

    after = text_of(committee_client.get(reverse("triage:statistics")))
    assert row(after, "partners", "Bygdegårdarna") == (
        '<td class="text-end">3</td><td class="text-end">3.0</td>'
    )

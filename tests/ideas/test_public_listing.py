"""Public or private: the owner chooses whether the idea may be shown publicly, anonymised (default
no), sees and changes it on the tracking page; staff see the choice; only opted-in ideas are
listed or published by title. A portal run by a public body says, before the idea is sent and in
the privacy notice, that ideas may become public documents and what the host keeps secret."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from ideas import selectors, services, workflow
from ideas.models import Idea
from tests.factories import IdeaFactory
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db

SV_NOTICE = "Din idé kan bli en allmän handling"
EN_NOTICE = "Your idea may become a public document"


@pytest.fixture(autouse=True)
def _fast_form(settings):
    settings.IDEAS_MIN_FILL_SECONDS = 0


def page_text(response) -> str:
    return html.unescape(response.content.decode())


# --- The choice on the form


def test_the_form_offers_the_choice_unticked_and_an_idea_sent_without_it_stays_private(client):
    page = page_text(client.get(reverse("ideas:submit")))
    [checkbox] = re.findall(r'<input[^>]*name="public_listing"[^>]*>', page)
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox
    assert "Min idé får visas offentligt: bara dess rubrik, kommun, tema och status" in page

    client.post(reverse("ideas:submit"), valid_form())

    assert Idea.objects.get().public_listing is False


def test_an_owner_who_ticks_it_has_the_idea_listed_with_title_municipality_theme_status_only(
    client,
):
    client.post(reverse("ideas:submit"), valid_form(public_listing="on"))

    idea = Idea.objects.get()
    assert idea.public_listing is True
    [listed] = selectors.ideas_listed_publicly()
    assert listed.title == "Mötesplats i gamla skolan"
    assert listed.municipality.code == "1863"
    assert [theme.slug for theme in listed.themes] == ["local-development"]
    assert listed.status == workflow.Status.RECEIVED
    # Nothing that says who sent it can be reached from a listed idea.
    assert set(vars(listed)) == {"title", "municipality", "themes", "status"}


def test_outreach_staff_record_the_same_choice_in_the_same_words(staff_client):
    from ideas.models import OutreachEvent
    from tests.factories import municipality

    event = OutreachEvent.objects.create(
        name="Karavanen", kind="caravan_tour", municipality=municipality("1885")
    )
    session = staff_client.session
    session["ideas.outreach_event"] = event.pk
    session.save()
    page = page_text(staff_client.get(reverse("ideas:intake_new")))
    assert "Min idé får visas offentligt: bara dess rubrik, kommun, tema och status" in page

    data = valid_form(public_listing="on", consent=None, consent_confirmed="on")
    response = staff_client.post(reverse("ideas:intake_new"), data)

    assert response.status_code == 302, page_text(response)
    assert Idea.objects.get().public_listing is True


# --- The tracking page and the staff's idea page


def test_the_owner_sees_the_choice_on_the_tracking_page_and_changes_it_both_ways(client):
    idea = IdeaFactory()
    track = reverse("ideas:track", kwargs={"token": idea.tracking_token})
    page = page_text(client.get(track))
    assert "Du har sagt nej: din idé visas inte offentligt." in page

    response = client.post(
        reverse("ideas:public_listing", kwargs={"token": idea.tracking_token}),
        {"public_listing": "yes"},
        follow=True,
    )
    page = page_text(response)
    assert "Nu får din idé visas offentligt, utan ditt namn och dina kontaktuppgifter." in page
    assert "Du har sagt ja" in page
    idea.refresh_from_db()
    assert idea.public_listing is True

    client.post(
        reverse("ideas:public_listing", kwargs={"token": idea.tracking_token}),
        {"public_listing": "no"},
    )
    idea.refresh_from_db()
    assert idea.public_listing is False


def test_the_tracking_page_speaks_the_ideas_language_for_the_choice(client):
    idea = IdeaFactory(language="ar")
    page = page_text(client.get(reverse("ideas:track", kwargs={"token": idea.tracking_token})))
    assert "لقد رفضت: فكرتك لا تُعرض علنًا." in page
    assert "You have said no" not in page


def test_a_damaged_choice_is_refused_with_a_message_and_changes_nothing(client):
    idea = IdeaFactory(public_listing=True)
    url = reverse("ideas:public_listing", kwargs={"token": idea.tracking_token})

    response = client.post(url, {"public_listing": "maybe"}, follow=True)

    assert "Välj om din idé får visas offentligt." in page_text(response)
    idea.refresh_from_db()
    assert idea.public_listing is True
    assert client.get(url).status_code == 405


def test_a_made_up_token_cannot_change_anyones_choice(client):
    idea = IdeaFactory()
    response = client.post(
        reverse("ideas:public_listing", kwargs={"token": "x" * 32}), {"public_listing": "yes"}
    )
    assert response.status_code == 404
    idea.refresh_from_db()
    assert idea.public_listing is False


def test_staff_see_the_owners_choice_on_the_ideas_page(committee_client):
    idea = IdeaFactory(screening=True, public_listing=True)
    page = page_text(committee_client.get(reverse("triage:idea_detail", args=[idea.reference])))
    assert "Får visas offentligt, anonymt" in page
    assert 'id="public-listing">ja<' in page


# --- What is listed and published


def test_only_opted_in_ideas_are_listed_and_never_withdrawn_or_erased_ones():
    shown = IdeaFactory(title="Byahus i Ramsberg", public_listing=True)
    IdeaFactory(title="Hemlig idé")
    IdeaFactory(title="Återtagen idé", public_listing=True, status=workflow.Status.WITHDRAWN)
    erased = IdeaFactory(title="Raderad idé", public_listing=True)
    services.idea_erase_personal_data(idea=erased)

    assert [idea.title for idea in selectors.ideas_listed_publicly()] == [shown.title]


def test_the_open_data_lists_titles_only_of_ideas_whose_owners_said_yes(committee_client):
    IdeaFactory(title="Byahus i Ramsberg", public_listing=True, submitter_name="Greta Gren")
    IdeaFactory(title="Hemlig idé")

    listed = committee_client.get(reverse("triage:open_data_listed_csv")).content.decode()
    rows = list(csv.DictReader(io.StringIO(listed)))
    assert [row["title"] for row in rows] == ["Byahus i Ramsberg"]
    assert set(rows[0]) == {"title", "municipality_code", "municipality", "themes", "status"}
    assert "Greta Gren" not in listed
    aggregates = committee_client.get(reverse("triage:open_data_csv")).content.decode()
    assert "Hemlig idé" not in aggregates and "Byahus i Ramsberg" not in aggregates
    assert "Hemlig idé" not in page_text(committee_client.get(reverse("triage:statistics")))


def test_the_listed_ideas_export_is_for_the_committee_only(client, partner_contact):
    assert client.get(reverse("triage:open_data_listed_csv")).status_code in (302, 403)
    client.force_login(partner_contact)
    assert client.get(reverse("triage:open_data_listed_csv")).status_code == 403


# --- The public-access law, when a public body runs the portal


def test_the_demo_runs_as_a_public_body_region_orebro_lan(settings):
    assert settings.PORTAL_HOSTED_BY_PUBLIC_BODY is True
    assert settings.PORTAL_HOST_NAME == "Region Örebro län"


@pytest.mark.parametrize(
    ("language", "texts", "not_there"),
    [
        (
            "sv",
            [
                SV_NOTICE,
                "Idélotsen drivs av Region Örebro län, som är en myndighet.",
                "offentlighetsprincipen",
                "offentlighets- och sekretesslagen",
                "kan inte lovas i varje enskilt fall",
            ],
            [EN_NOTICE],
        ),
        (
            "sv-easy",
            [
                "Andra kan få läsa din idé",
                "Region Örebro län är en myndighet.",
                "Vi kan inte lova det varje gång.",
            ],
            [EN_NOTICE, SV_NOTICE],
        ),
        (
            "en",
            [
                EN_NOTICE,
                "Idélotsen is run by Region Örebro län, a public body.",
                "public document (allmän handling)",
                "principle of public access (offentlighetsprincipen)",
                "cannot be promised in every case",
            ],
            [SV_NOTICE],
        ),
        (
            "ar",
            ["قد تصبح فكرتك وثيقة عامة", "offentlighets- och sekretesslagen", "Region Örebro län"],
            [EN_NOTICE, SV_NOTICE],
        ),
    ],
)
def test_the_form_says_before_sending_that_the_idea_may_become_a_public_document(
    client, language, texts, not_there
):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = page_text(client.get(reverse("ideas:submit")))

    notice_at = page.index('id="public-documents"')
    assert page.index('name="consent"') < notice_at < page.index('name="save_draft"')
    for text in texts:
        assert text in page, text
    for text in not_there:
        assert text not in page, text


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("sv", "Allmänna handlingar och offentlighetsprincipen"),
        ("sv-easy", "Vem får läsa det du skickar?"),
        ("en", "Public documents and the principle of public access"),
        ("ar", "الوثائق العامة ومبدأ علنية الوثائق"),
    ],
)
def test_the_privacy_notice_explains_public_documents_and_secrecy(client, language, heading):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = page_text(client.get(reverse("privacy_notice")))
    assert heading in page
    assert "offentlighets- och sekretesslagen" in page
    assert "Region Örebro län" in page


def test_the_hosts_own_secrecy_text_is_shown_as_written(client, settings):
    settings.PORTAL_HOST_SECRECY_TEXT = "Registraturen nås på 019-602 10 00."
    for url in (reverse("ideas:submit"), reverse("privacy_notice")):
        assert '<p lang="sv">Registraturen nås på 019-602 10 00.</p>' in page_text(client.get(url))


def test_a_portal_not_run_by_a_public_body_says_nothing_of_public_documents(client, settings):
    settings.PORTAL_HOSTED_BY_PUBLIC_BODY = False
    assert SV_NOTICE not in page_text(client.get(reverse("ideas:submit")))
    privacy = page_text(client.get(reverse("privacy_notice")))
    assert "Allmänna handlingar och offentlighetsprincipen" not in privacy
    assert "offentlighets- och sekretesslagen" not in privacy

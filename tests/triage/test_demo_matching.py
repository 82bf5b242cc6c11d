"""The matching on the demo data: the issue's two ideas in Lindesberg rank their local partners
first, and partners that work only elsewhere after them, marked."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from ideas.models import Idea
from partners.models import Partner
from triage.models import Referral
from triage.referrals.suggestions import partner_suggestions

pytestmark = pytest.mark.django_db

COUNCIL = " kommun, näringsliv och utveckling"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")


RURAL, FIBRE = "Byns affär och servicepunkt i Ramsberg", "Fiber till byarna runt Ramsberg"
# Where each demo partner works, as the ranking must respect it: on the spot in Lindesberg.
IN_LINDESBERG = {
    "Lindesberg" + COUNCIL,
    "Byalaget Ramsberg",
    "Fiberföreningen Kopparberg",
    "Leader Bergslagen",
    "Folkhögskolan i Bergslagen",
    "Naturskyddarna i Bergslagen",
}
OTHER_COUNCILS = [
    name + COUNCIL
    for name in (
        "Askersund",
        "Degerfors",
        "Hallsberg",
        "Hällefors",
        "Karlskoga",
        "Kumla",
        "Laxå",
        "Lekeberg",
        "Ljusnarsberg",
        "Nora",
        "Örebro",
    )
]


def ranked(title: str):
    return partner_suggestions(Idea.objects.get(title=title))


def ranked_names(title: str) -> list[str]:
    return [s.partner.name for s in ranked(title)]


@pytest.mark.parametrize("title", [RURAL, FIBRE])
def test_every_partner_in_lindesberg_or_the_county_comes_before_those_elsewhere(demo, title):
    suggestions = ranked(title)
    county_wide = set(
        Partner.objects.filter(covers_whole_county=True).values_list("name", flat=True)
    )
    covering = [s.partner.name for s in suggestions if s.covers_area]
    assert set(covering) == IN_LINDESBERG | county_wide
    # They come first, and every other council comes after them, marked.
    assert [s.partner.name for s in suggestions[: len(covering)]] == covering
    with translation.override("sv"):
        for suggestion in suggestions[len(covering) :]:
            assert "täcker inte Lindesberg" in [c.text for c in suggestion.concerns]
    assert set(OTHER_COUNCILS) <= {s.partner.name for s in suggestions[len(covering) :]}


def test_a_rural_services_idea_in_ramsberg_ranks_lindesbergs_council_and_the_village_first(demo):
    names = ranked_names(RURAL)
    top = names[:5]
    assert "Lindesberg" + COUNCIL in top
    assert "Byalaget Ramsberg" in top
    assert "Leader Bergslagen" in top
    for other in OTHER_COUNCILS:
        assert names.index(other) > names.index("Byalaget Ramsberg")
        assert names.index(other) > names.index("Lindesberg" + COUNCIL)
        assert other not in names[:10]


def test_fibre_in_lindesberg_puts_the_fibre_association_in_the_top_five_not_other_councils(demo):
    suggestions = ranked(FIBRE)
    names = [s.partner.name for s in suggestions]
    assert "Fiberföreningen Kopparberg" in names[:5]
    assert "Lindesberg" + COUNCIL in names[:5]
    assert "Byalaget Ramsberg" in names[:5]
    for other in OTHER_COUNCILS:
        assert other not in names[:10]
    # Those that work only elsewhere come after every one that covers Lindesberg, and say so.
    outside = [s for s in suggestions if not s.covers_area]
    assert outside and suggestions[-len(outside) :] == outside
    with translation.override("sv"):
        karlskoga = next(s for s in outside if s.partner.name == "Karlskoga" + COUNCIL)
        assert "täcker inte Lindesberg" in [c.text for c in karlskoga.concerns]
    # It outscores partners that cover Lindesberg: only geography puts it after them.
    assert karlskoga.score > min(s.score for s in suggestions if s.covers_area)


@pytest.mark.parametrize("title", [RURAL, FIBRE])
def test_the_local_partners_are_in_the_ten_shown_and_the_other_councils_folded_away(
    demo, client, title
):
    client.force_login(get_user_model().objects.get(username="samordnare"))
    idea = Idea.objects.get(title=title)
    text = client.get(reverse("triage:idea_detail", args=[idea.reference])).content.decode()
    shown, folded = text.split('id="suggestions-heading"')[1].split("<details>", 1)
    for name in ("Lindesberg" + COUNCIL, "Byalaget Ramsberg", "Leader Bergslagen"):
        assert name in shown
    if title == FIBRE:
        assert "Fiberföreningen Kopparberg" in shown
    for other in OTHER_COUNCILS:
        assert other in folded.split("</details>")[0] and other not in shown


def test_the_idea_page_says_what_speaks_against_and_the_committee_can_still_choose_it(
    demo, client, django_capture_on_commit_callbacks
):
    client.force_login(get_user_model().objects.get(username="samordnare"))
    idea = Idea.objects.get(title="Fiber till byarna runt Ramsberg")
    karlskoga = Partner.objects.get(name="Karlskoga" + COUNCIL)
    page = client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert page.status_code == 200
    text = page.content.decode()
    [card] = [li for li in text.split('<li class="border-bottom') if karlskoga.name in li[:400]]
    assert "täcker inte Lindesberg" in card and "(\u221220)" in card
    assert "Partner som bara verkar i andra kommuner kommer efter" in text
    # Not hidden, not disabled: the refer form offers it and takes it.
    assert f'value="{karlskoga.pk}"' in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("triage:idea_refer", args=[idea.reference]),
            {"partners": [karlskoga.pk], "note_to_partners": "Har ni erfarenhet av byfiber?"},
        )
    assert response.status_code == 302
    assert Referral.objects.filter(idea=idea, partner=karlskoga).exists()
    # The partner's mail gives the reasons for it, not what the committee weighed against it.
    [referral_mail] = [m for m in mail.outbox if m.to == [karlskoga.contacts.get().email]]
    assert "täcker inte" not in referral_mail.body

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


def ranked_names(title: str) -> list[str]:
    return [s.partner.name for s in partner_suggestions(Idea.objects.get(title=title))]


def test_a_rural_services_idea_in_ramsberg_ranks_lindesbergs_council_and_the_village_first(demo):
    names = ranked_names("Byns affär och servicepunkt i Ramsberg")
    top = names[:10]
    assert "Lindesberg" + COUNCIL in top[:5]
    assert "Byalaget Ramsberg" in top[:5]
    for other in ("Ljusnarsberg", "Karlskoga", "Lekeberg", "Nora", "Örebro"):
        assert other + COUNCIL not in top
        assert names.index(other + COUNCIL) > names.index("Byalaget Ramsberg")
        assert names.index(other + COUNCIL) > names.index("Lindesberg" + COUNCIL)


def test_fibre_in_lindesberg_puts_the_fibre_association_in_the_top_ten_not_other_councils(demo):
    idea = Idea.objects.get(title="Fiber till byarna runt Ramsberg")
    suggestions = partner_suggestions(idea)
    names = [s.partner.name for s in suggestions]
    assert "Fiberföreningen Kopparberg" in names[:10]
    assert "Lindesberg" + COUNCIL in names[:6]
    for other in ("Karlskoga", "Lekeberg", "Ljusnarsberg"):
        assert other + COUNCIL not in names[:6]
    # Those that work only elsewhere come after every one that covers Lindesberg, and say so.
    outside = [s for s in suggestions if not s.covers_area]
    assert outside and suggestions[-len(outside) :] == outside
    with translation.override("sv"):
        karlskoga = next(s for s in outside if s.partner.name == "Karlskoga" + COUNCIL)
        assert "täcker inte Lindesberg" in [c.text for c in karlskoga.concerns]


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

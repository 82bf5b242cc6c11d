import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from ideas.models import Idea, Municipality, SupportKind, Theme
from partners.models import Partner, PartnerEntryChange

pytestmark = pytest.mark.django_db


def test_demo_data_covers_the_county_and_can_be_loaded_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Partner.objects.count(), Idea.objects.count())
    call_command("seed_demo")
    assert (Partner.objects.count(), Idea.objects.count()) == counts
    assert counts[0] == 40
    county = set(Municipality.objects.filter(is_whole_county=False))
    assert len(county) == 12
    covered = set(Municipality.objects.filter(partners__isnull=False))
    whole_county = Partner.objects.filter(covers_whole_county=True).exists()
    assert whole_county or covered == county
    assert set(Theme.objects.filter(partners__isnull=False)) == set(Theme.objects.all())
    assert set(SupportKind.objects.filter(partners__isnull=False)) == set(SupportKind.objects.all())
    for username in [
        "samordnare",
        "ledamot1",
        "ledamot2",
        "ledamot3",
        "uppsok",
        "partner",
        "admin",
    ]:
        assert authenticate(username=username, password=settings.DEMO_PASSWORD)


def test_the_demo_has_a_stale_entry_a_fresh_one_and_a_stated_availability(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    stale = [p.name for p in Partner.objects.all() if p.is_stale()]
    assert stale == ["Mötesplats Vretstorp"]
    own = Partner.objects.get(contacts__user__username="partner")
    assert own.availability_stated and own.places == 2
    assert own.confirmed_by is not None and own.confirmed_by.user.username == "partner"
    assert PartnerEntryChange.objects.filter(partner=own, field="available_places").count() == 1


def test_the_demo_shows_the_committee_and_a_partner_at_work(settings):
    from partners.models import PartnerContact
    from triage.models import Referral, Review

    settings.DEBUG = True
    call_command("seed_demo")
    partner_organisation = PartnerContact.objects.get(user__username="partner").partner
    assert Referral.objects.filter(partner=partner_organisation).exists()
    assert Review.objects.filter(member__username="ledamot1", submitted_at__isnull=False).exists()
    assert Idea.objects.filter(channel="caravan_tour", outreach_event__isnull=False).exists()
    assert Idea.objects.filter(status="needs_information").exists()
    answered = Idea.objects.get(questions__answered_at__isnull=False)
    assert answered.language == "en" and answered.status == "in_review"
    # Two villages' fibre ideas, for the coordinator to merge.
    from triage.review.similarity import similar_ideas

    fibre = Idea.objects.get(title="Fiber till byarna runt Ramsberg")
    twin = Idea.objects.get(title="Fiber till byarna kring Guldsmedshyttan")
    assert twin.pk in [similar.idea.pk for similar in similar_ideas(fibre)]


def test_the_demo_has_a_meeting_with_its_agenda_and_a_decision(settings):
    from triage.models import Meeting

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    meeting = Meeting.objects.get()
    assert meeting.items.count() >= 2
    assert meeting.items.exclude(decision="").count() == 1


def test_the_demo_fills_the_public_map_of_the_county_with_big_and_small_counts(settings, client):
    import re

    settings.DEBUG = True
    call_command("seed_demo")

    page = client.get("/needs/").content.decode()
    counts = re.findall(r'<span class="needs-tile-count">([^<]+)<', page)
    assert len(counts) == 12
    shown = [int(count) for count in counts if count.isdigit()]
    assert len(shown) >= 6 and max(shown) >= 5, counts  # a map with something to show
    assert "färre än 3" in counts  # and the small counts hidden
    assert "Fibernät till Glanshammar" in page  # listed by its owner's yes
    assert "Stadsodling på taken i Brickebacken" not in page  # not listed


def test_the_demo_partners_page_shows_a_contact_with_a_login_and_one_invited(settings, client):
    from django.contrib.auth import get_user_model

    from partners.models import PartnerContact

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    partner = PartnerContact.objects.get(user__username="partner").partner
    client.force_login(get_user_model().objects.get(username="samordnare"))
    page = client.get(partner.get_absolute_url()).content.decode()
    assert "har en inloggning" in page
    assert "inbjuden" in page and "Dra tillbaka inbjudan" in page
    assert partner.contacts.get(email="inbjuden@example.org").invitations.count() == 1

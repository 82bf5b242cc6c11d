import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from ideas.models import Idea, Municipality, SupportKind, Theme
from partners.models import Partner

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
    for username in ["samordnare", "ledamot1", "ledamot2", "ledamot3", "uppsok", "partner",
                     "admin"]:
        assert authenticate(username=username, password=settings.DEMO_PASSWORD)

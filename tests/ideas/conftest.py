import time

import pytest
from django.core import signing
from django.core.cache import cache

from ideas.forms import STARTED_SALT, started_value


@pytest.fixture(autouse=True)
def _fresh_limits_and_private_media(settings, tmp_path):
    """Each test starts with no rate-limit counts, and files go to a private temporary folder."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()


def started_ago(seconds: int = 60) -> str:
    """The signed time stamp and id the form hands out, as if it was opened `seconds` ago."""
    return started_value(at=time.time() - seconds)


def started_before_form_ids(seconds: int = 60) -> str:
    """A time stamp handed out before forms had ids (a page opened before the release)."""
    return signing.Signer(salt=STARTED_SALT).sign(str(int(time.time()) - seconds))


def valid_form(**overrides) -> dict:
    """Everything a resident fills in on the web form, answered well."""
    from ideas.models import SupportKind, Theme
    from tests.factories import municipality

    data = {
        "title": "Mötesplats i gamla skolan",
        "need": "Byn saknar en plats att träffas på sedan affären stängde.",
        "description": "Vi vill göra om skolan till ett allaktivitetshus.",
        "beneficiaries": "Alla i byn, särskilt äldre och unga.",
        "municipality": municipality("1863").pk,
        "place": "Grythyttan",
        "is_rural": "on",
        "themes": [Theme.objects.get(slug="local-development").pk],
        "stage": "idea",
        "support_wanted": [SupportKind.objects.order_by("pk").first().pk],
        "submitter_name": "Anna Andersson",
        "submitter_email": "anna@example.org",
        "submitter_phone": "",
        "organisation_name": "Grythyttans byalag",
        "organisation_kind": "local_development_group",
        "language": "sv",
        "consent": "on",
        "website": "",
        "started": started_ago(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def staff_client(client, outreach_staff):
    """Outreach staff, logged in."""
    client.force_login(outreach_staff)
    return client


@pytest.fixture
def event(db):
    """A caravan stop where staff register ideas."""
    from ideas.models import OutreachEvent
    from tests.factories import municipality

    return OutreachEvent.objects.create(
        name="Karavanen i Kopparberg",
        kind="caravan_tour",
        municipality=municipality("1864"),
        place="Utanför Ica",
    )

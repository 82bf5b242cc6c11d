import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners.models import MatchingWeights, Partner, PartnerContact
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_languages_are_kept_as_a_list_even_when_given_as_text():
    partner = PartnerFactory(languages="sv, EN,ar,sv")
    partner.refresh_from_db()
    assert partner.languages == ["sv", "en", "ar"]
    assert Partner.objects.get(pk=partner.pk).languages == ["sv", "en", "ar"]


def test_a_language_that_is_not_a_code_is_refused():
    partner = Partner(languages=["sv", "svenska"], slug="x", name="X", kind="other")
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert "languages" in error.value.message_dict


def test_the_weights_are_one_row_between_0_and_10():
    weights = MatchingWeights(themes=11)
    with pytest.raises(ValidationError):
        weights.full_clean()
    MatchingWeights.load()
    assert MatchingWeights.load().pk == 1
    assert MatchingWeights.objects.count() == 1


def _admin_post(partner_data: dict, contacts: list[dict]) -> dict:
    data = {
        "name": "Nya föreningen",
        "slug": "nya-foreningen",
        "kind": "association",
        "languages": "sv, en",
        "capacity": "3",
        "description": "",
        "website": "",
        "phone": "",
        "email": "",
        "contacts-TOTAL_FORMS": str(len(contacts)),
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        **partner_data,
    }
    for index, contact in enumerate(contacts):
        for key, value in contact.items():
            data[f"contacts-{index}-{key}"] = value
    return data


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_refuses_an_active_partner_without_a_contact_receiving_referrals(
    admin_client_,
):
    url = reverse("admin:partners_partner_add")
    contact = {"name": "Kim", "email": "kim@example.org", "role": "", "language": "sv"}
    response = admin_client_.post(url, _admin_post({"is_active": "on"}, [contact]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "En aktiv partner behöver minst en kontakt som tar emot förfrågningar." in page
    assert "at least one contact who receives referrals" not in page
    assert not Partner.objects.exists()

    response = admin_client_.post(
        url, _admin_post({"is_active": "on"}, [{**contact, "receives_referrals": "on"}])
    )
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.languages == ["sv", "en"]
    assert PartnerContact.objects.filter(partner=partner, receives_referrals=True).exists()


def test_the_admin_accepts_an_inactive_partner_without_contacts(admin_client_):
    response = admin_client_.post(reverse("admin:partners_partner_add"), _admin_post({}, []))
    assert response.status_code == 302
    assert not Partner.objects.get().is_active

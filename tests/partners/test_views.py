import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ideas import authorship
from ideas.models import IdeaVersion
from ideas.services import idea_version_record
from partners.entries import entry_edit_save
from partners.models import ChangeSource, MatchingWeights, Partner, PartnerKind
from portal.roles import Role
from tests.factories import (
    IdeaFactory,
    PartnerContactFactory,
    PartnerFactory,
    ReferralFactory,
    SupportKindFactory,
    ThemeFactory,
    UserFactory,
    municipality,
)
from triage.referrals.services import referral_cancel

pytestmark = pytest.mark.django_db

LOAD = 'class="text-nowrap">%s'  # the load's cell of a row, as `_row_of` gives it


def _with(theme=None, support=None, code=None, **kwargs) -> Partner:
    partner = PartnerFactory(**kwargs)
    if theme:
        partner.themes.set([theme])
    if support:
        partner.support_kinds.set([support])
    if code:
        partner.municipalities.set([municipality(code)])
    return partner


def test_anonymous_users_and_other_roles_cannot_read_the_registry(client):
    partner = PartnerFactory()
    for url in (reverse("partners:list"), reverse("partners:detail", args=[partner.slug])):
        assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(UserFactory(roles=[Role.PARTNER_CONTACT]))
    assert client.get(reverse("partners:list")).status_code == 403
    assert client.get(reverse("partners:detail", args=[partner.slug])).status_code == 403


def test_a_committee_member_finds_the_registry_in_the_menu(committee_client):
    page = committee_client.get(reverse("partners:list")).content.decode()
    assert f'href="{reverse("partners:list")}"' in page


def test_the_list_filters_by_theme_support_municipality_and_kind_from_the_url(
    committee_client,
):
    broadband, housing = ThemeFactory(slug="bredband"), ThemeFactory(slug="boende")
    premises = SupportKindFactory(slug="lokaler")
    _with(
        theme=broadband,
        support=premises,
        code="1863",
        name="Fiberföreningen",
        kind=PartnerKind.LOCAL_DEVELOPMENT_GROUP,
    )
    _with(theme=housing, code="1880", name="Bostadsrådet", kind=PartnerKind.MUNICIPALITY)
    _with(theme=broadband, name="Länsnätet", covers_whole_county=True, kind=PartnerKind.REGION)

    def names(**query) -> set[str]:
        response = committee_client.get(reverse("partners:list"), query)
        assert response.status_code == 200
        return _names_listed(response.content.decode())

    assert names(theme="bredband") == {"Fiberföreningen", "Länsnätet"}
    assert names(support="lokaler") == {"Fiberföreningen"}
    # A partner covering the whole county covers Hällefors too.
    assert names(municipality="1863") == {"Fiberföreningen", "Länsnätet"}
    assert names(kind="municipality") == {"Bostadsrådet"}
    assert names(theme="bredband", municipality="1863", kind="region") == {"Länsnätet"}
    assert names(q="fiber") == {"Fiberföreningen"}
    page = committee_client.get(reverse("partners:list"), {"theme": "bredband"}).content.decode()
    assert '<option value="bredband" selected>' in page


def test_the_load_in_the_list_is_not_inflated_by_a_filter_on_places(committee_client):
    partner = _with(code="1863", covers_whole_county=True, capacity=5)
    partner.municipalities.add(municipality("1880"))
    ReferralFactory(partner=partner, state="sent")
    response = committee_client.get(
        reverse("partners:list"), {"municipality": "1863"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert _names_listed(page) == {partner.name}
    assert _row_of(page, partner.name)[5] == LOAD % "1 of 5"


def _names_listed(page: str) -> set[str]:
    """The names of the partners in the list's rows."""
    return set(re.findall(r"<tr>\s*<td><a [^>]*>([^<]+)</a>", page))


def _row_of(page: str, name: str) -> list[str]:
    """The cells of the list's row of the partner `name`, as text."""
    row = re.search(rf"<tr>\s*<td><a [^>]*>{re.escape(name)}</a>(.*?)</tr>", page, re.S)
    assert row, f"no row for {name}"
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in row.group(1).split("<td")]


def test_each_row_names_the_places_themes_and_support_in_order_and_in_the_readers_language(
    committee_client,
):
    first = ThemeFactory(name_sv="Boende", name_en="Housing", order=1)
    second = ThemeFactory(name_sv="Arbete", name_en="Work", order=2)
    support = SupportKindFactory(name_sv="Lokal", name_en="Premises")
    partner = PartnerFactory(name="Byalaget Ramsberg")
    partner.themes.set([second, first])
    partner.support_kinds.set([support])
    partner.municipalities.set([municipality("1885"), municipality("1880")])
    PartnerFactory(name="Gamla föreningen", confirmed_at=timezone.now() - timedelta(days=800))
    PartnerFactory(
        name="Vilande föreningen",
        is_active=False,
        confirmed_at=timezone.now() - timedelta(days=800),
    )

    page = committee_client.get(reverse("partners:list"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    ramsberg = _row_of(text, "Byalaget Ramsberg")
    assert ramsberg[2:5] == [">Lindesberg, Örebro", ">Housing, Work", ">Premises"]
    assert "not confirmed since" in _row_of(text, "Gamla föreningen")[0]
    assert "not confirmed since" not in _row_of(text, "Vilande föreningen")[0]  # not active
    assert "not confirmed since" not in ramsberg[0]
    swedish = committee_client.get(reverse("partners:list"), HTTP_ACCEPT_LANGUAGE="sv")
    assert _row_of(swedish.content.decode(), "Byalaget Ramsberg")[3:5] == [
        ">Boende, Arbete",
        ">Lokal",
    ]


def test_the_list_takes_the_same_number_of_queries_for_5_and_for_25_partners(
    committee_client, django_assert_num_queries
):
    theme = ThemeFactory()
    for _ in range(5):
        ReferralFactory(partner=_with(theme=theme, code="1863"))
    committee_client.get(reverse("partners:list"))  # warm the session and the user's roles
    cache.clear()
    # The session, the user, the marks of the data; the list's own eleven.
    with django_assert_num_queries(15):
        committee_client.get(reverse("partners:list"))
    # Nothing changed: the list is kept (selectors.partner_list_version).
    with django_assert_num_queries(4):
        committee_client.get(reverse("partners:list"))
    for _ in range(20):
        ReferralFactory(partner=_with(theme=theme, code="1880"))
    with django_assert_num_queries(15):
        page = committee_client.get(reverse("partners:list")).content.decode()
    assert len(_names_listed(page)) == 25


def test_the_kept_list_shows_each_change_to_what_it_lists_at_once(committee_client, coordinator):
    """The list is kept between requests; every change a committee member can make or see
    made shows on the next request, in each language, for each filter."""
    url = reverse("partners:list")
    partner = _with(code="1863", name="Byalaget Ramsberg", capacity=3)

    def row(**query) -> list[str]:
        page = committee_client.get(url, query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return _row_of(page, partner.name)

    assert row()[3:6] == [">", ">", LOAD % "0 of 3"]
    housing = ThemeFactory(name_sv="Boende", name_en="Housing", slug="boende")
    partner.themes.add(housing)  # linked without saving the entry
    assert row()[3] == ">Housing"
    referral = ReferralFactory(partner=partner, idea=IdeaFactory(referred=True), state="sent")
    assert row()[5] == LOAD % "1 of 3"
    referral_cancel(referral=referral, actor=coordinator, reason="Fel län.")
    assert row()[5] == LOAD % "0 of 3"

    def five_places() -> None:
        partner.capacity = 5
        partner.save()

    entry_edit_save(
        partner=partner, apply=five_places, source=ChangeSource.COORDINATOR, actor=coordinator
    )
    assert row()[5] == LOAD % "0 of 5"
    # Another filter and another language are kept apart, and a new partner shows in both.
    assert row(theme="boende")[3] == ">Housing"
    newcomer = _with(theme=housing, name="Nya föreningen")
    swedish = committee_client.get(url, {"theme": "boende"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert _names_listed(swedish.content.decode()) == {partner.name, newcomer.name}
    assert _row_of(swedish.content.decode(), partner.name)[3] == ">Boende"
    partner.themes.remove(housing)
    unlinked = committee_client.get(url, {"theme": "boende"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert _names_listed(unlinked.content.decode()) == {newcomer.name}


def test_a_partners_page_shows_open_referrals_acceptance_rate_and_load(
    committee_client, django_assert_num_queries
):
    partner = PartnerFactory(name="Byalaget Ramsberg", capacity=4)
    open_idea = IdeaFactory(referred=True, title="Fiber till Ramsberg")
    ReferralFactory(partner=partner, idea=open_idea, state="sent")
    ReferralFactory(partner=partner, state="accepted")
    ReferralFactory(partner=partner, state="declined")
    ReferralFactory(partner=partner, state="support_finished")
    url = reverse("partners:detail", args=[partner.slug])
    committee_client.get(reverse("partners:list"))  # warm the session and the user's roles
    cache.clear()
    # The session, the user and roles, the entry, the marks and three for the contacts, their
    # logins and invitations (partners.invitations) on every request; the rest once per change
    # of the data (selectors.partner_page_version).
    with django_assert_num_queries(13):
        response = committee_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Fiber till Ramsberg" in page
    assert reverse("triage:idea_detail", args=[open_idea.reference]) in page
    assert "2 of 4 places taken" in page
    assert "67 % (2 of 3 answered)" in page
    with django_assert_num_queries(8):
        kept = committee_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Fiber till Ramsberg" in kept and "67 % (2 of 3 answered)" in kept
    for _ in range(5):
        ReferralFactory(partner=partner, state="question")
    with django_assert_num_queries(13):
        page = committee_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "7 of 4 places taken" in page


def test_a_kept_partners_page_shows_each_change_to_what_it_shows_at_once(
    committee_client, coordinator
):
    """The page is kept between requests but for its contacts; every change shows on the next
    request: a referral answered, an idea's new title, an entry edited, a contact added."""
    partner = PartnerFactory(name="Byalaget Ramsberg", capacity=3, description="Vi bygger.")
    other = PartnerFactory(description="Vi lånar ut lokaler.")
    idea = IdeaFactory(referred=True, title="Fiber till Ramsberg")
    # The idea as its owner sent it (idea_submit keeps it as version 1).
    sent = authorship.idea_content(
        idea, version=1, recorded_at=timezone.now(), themes=[], support_wanted=[], attachments=[]
    )
    IdeaVersion.objects.create(
        idea=idea, number=1, content=sent, fingerprint=authorship.fingerprint(sent)
    )
    referral = ReferralFactory(partner=partner, idea=idea, state="sent")
    url = reverse("partners:detail", args=[partner.slug])

    def page(language="en") -> str:
        return committee_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert "1 of 3 places taken" in page() and "Fiber till Ramsberg" in page()
    assert "Vi bygger." in page("sv") and "1 av 3" in page("sv")
    # The administrator corrects the title (ideas/admin.py keeps it as a new version).
    idea.title = "Fiber och bredband till Ramsberg"
    idea.save()
    assert idea_version_record(idea=idea, actor=coordinator) is not None
    assert "Fiber och bredband till Ramsberg" in page()
    referral_cancel(referral=referral, actor=coordinator, reason="Fel län.")
    assert "0 of 3 places taken" in page() and "No open referrals." in page()

    def described() -> None:
        partner.description = "Vi bygger fiber."
        partner.save()

    entry_edit_save(
        partner=partner, apply=described, source=ChangeSource.COORDINATOR, actor=coordinator
    )
    assert "Vi bygger fiber." in page() and "Vi bygger fiber." in page("sv")
    PartnerContactFactory(partner=partner, name="Nya Kontakten")
    assert "Nya Kontakten" in page()
    # Nothing changed since the last request: the other partner's page is its own.
    shown = committee_client.get(reverse("partners:detail", args=[other.slug])).content.decode()
    assert "Vi lånar ut lokaler." in shown and "Vi bygger fiber." not in shown


def test_an_unknown_partner_is_not_found(committee_client):
    assert committee_client.get(reverse("partners:detail", args=["nobody"])).status_code == 404


def test_only_a_coordinator_can_change_the_matching_weights(committee_client):
    assert committee_client.get(reverse("partners:weights")).status_code == 403
    response = committee_client.post(reverse("partners:weights"), {"themes": 9})
    assert response.status_code == 403
    assert not MatchingWeights.objects.exists()


def test_a_coordinator_changes_the_weights_and_the_suggestions_follow(
    coordinator_client, coordinator
):
    values = {
        "themes": 0,
        "support": 0,
        "geography": 10,
        "civil_society": 0,
        "language": 0,
        "capacity": 0,
        "acceptance": 0,
    }
    response = coordinator_client.post(reverse("partners:weights"), values)
    assert response.status_code == 302
    weights = MatchingWeights.objects.get()
    assert (weights.themes, weights.geography, weights.updated_by) == (0, 10, coordinator)

    theme = ThemeFactory()
    idea = IdeaFactory(themes=[theme], municipality=municipality("1863"), in_review=True)
    _with(theme=theme, code="1880", name="Same theme elsewhere")
    _with(code="1863", name="Local without the theme")
    page = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    suggestions = page.context["suggestions"]
    assert [s.partner.name for s in suggestions] == [
        "Local without the theme",
        "Same theme elsewhere",
    ]


@pytest.mark.parametrize(
    "values, field",
    [
        ({"themes": 11}, "themes"),
        ({"themes": -1}, "themes"),
        ({"themes": "many"}, "themes"),
    ],
)
def test_weights_out_of_range_are_refused_next_to_the_field(coordinator_client, values, field):
    data = {
        "themes": 5,
        "support": 4,
        "geography": 4,
        "civil_society": 2,
        "language": 2,
        "capacity": 2,
        "acceptance": 1,
        **values,
    }
    response = coordinator_client.post(reverse("partners:weights"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not MatchingWeights.objects.exists()


def test_weights_that_are_all_zero_are_refused(coordinator_client):
    data = dict.fromkeys(
        ["themes", "support", "geography", "civil_society", "language", "capacity", "acceptance"], 0
    )
    response = coordinator_client.post(reverse("partners:weights"), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


def test_the_idea_page_shows_ranked_suggestions_with_reasons_and_marks_full_partners(
    coordinator_client,
):
    broadband = ThemeFactory(slug="fibre", name_sv="Fiber", name_en="Fibre")
    idea = IdeaFactory(themes=[broadband], municipality=municipality("1863"), in_review=True)
    _with(theme=broadband, code="1863", name="Fiberföreningen Hällefors", capacity=5)
    full = _with(theme=broadband, code="1863", name="Full förening", capacity=1)
    ReferralFactory(partner=full, state="sent")
    response = coordinator_client.get(
        reverse("triage:idea_detail", args=[idea.reference]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert page.index("Fiberföreningen Hällefors") < page.index("Full förening")
    assert "works with fibre" in page  # the page is in English, as the browser asked
    assert "arbetar med" not in page
    assert 'id="suggestions-heading"' in page
    assert response.context["suggestions"][1].at_capacity


def test_an_administrator_role_may_import_and_export(client):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.get(reverse("partners:import")).status_code == 200
    assert client.get(reverse("partners:export", args=["csv"])).status_code == 200
    assert client.get(reverse("partners:export", args=["pdf"])).status_code == 404

"""The public directory of the members passes axe-core with JavaScript off, filtered by the GET
form and in English, and the keyboard reaches its filter button."""

from django.urls import reverse

from tests.factories import PartnerFactory, SupportKindFactory, ThemeFactory, municipality


def test_the_directory_filters_without_javascript_and_passes_axe(portal_without_js):
    portal = portal_without_js
    theme = ThemeFactory(slug="fibre-t", name_sv="Fiber och bredband", name_en="Fibre")
    support = SupportKindFactory(slug="advice-s", name_sv="Rådgivning", name_en="Advice")
    for name, code in (("Byalaget Ramsberg", "1885"), ("Språkcafé Karlskoga", "1883")):
        partner = PartnerFactory(name=name, listed_publicly=True, email="info@by.example.org")
        partner.themes.set([theme])
        partner.support_kinds.set([support])
        partner.municipalities.set([municipality(code)])
    PartnerFactory(name="Dold förening", listed_publicly=False)
    portal.visit(reverse("partners:directory"))
    assert "Dold förening" not in portal.page.content()
    portal.page.select_option("#id_municipality", "1885")
    portal.submit("main form[role=search] button[type=submit]")
    assert "municipality=1885" in portal.page.url
    headings = portal.page.locator("main h2").all_inner_texts()
    assert headings == ["Byalaget Ramsberg"]

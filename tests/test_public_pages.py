"""The partnership's own face: its identity and contact details from settings on every public
page, the pages residents look for (how it works, contact, about) in every language, a
language switch that says where you are, readable colours and a light page."""

import gzip
import re
import struct
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from portal.branding import (
    MIN_TEXT_CONTRAST,
    WHITE,
    branding,
    check_primary_colour,
    contrast_ratio,
)
from portal.roles import Role
from tests.factories import UserFactory
from tests.journeys.conftest import Page

ROOT = Path(__file__).resolve().parent.parent
NEW_PAGES = ["how_it_works", "contact", "about"]
LANGUAGES = {
    "sv": ("sv", "ltr"),
    "sv-easy": ("sv", "ltr"),
    "en": ("en", "ltr"),
    "ar": ("ar", "rtl"),
}
LANGUAGE_LABEL = {"sv": "Språk", "sv-easy": "Språk", "en": "Language", "ar": "اللغة"}
PUBLIC_PAGES = [
    "home",
    "ideas:submit",
    "ideas:lost_link",
    "privacy_notice",
    "accessibility_statement",
    *NEW_PAGES,
    "needs",
]
BUDGET_BYTES = 50 * 1024


def page_in(language: str, name: str) -> Page:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse(name))
    assert response.status_code == 200, name
    return Page.of(response)


def footer(page: Page) -> str:
    match = re.search(r"<footer.*?</footer>", page.html, re.S)
    assert match, f"{page.url} has no footer"
    return match.group(0)


def header(page: Page) -> str:
    match = re.search(r"<header.*?</header>", page.html, re.S)
    assert match, f"{page.url} has no header"
    return match.group(0)


def main(page: Page) -> str:
    match = re.search(r"<main.*?</main>", page.html, re.S)
    assert match, f"{page.url} has no main"
    return match.group(0)


# --- The pages residents look for -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", NEW_PAGES)
def test_each_new_page_answers_in_every_language_with_the_contact_details(language, name):
    page = page_in(language, name)

    assert (page.lang, page.dir) == LANGUAGES[language]
    brand = branding()
    for detail in (brand.name, brand.host, brand.phone, brand.email, *brand.address):
        assert detail in footer(page), f"{detail!r} is missing on {name} in {language}"
    assert f'href="{brand.phone_link}"' in page.html and 'href="tel:0190000000"' in page.html
    assert f'href="mailto:{brand.email}"' in page.html


@pytest.mark.django_db
def test_the_pages_are_written_in_each_language_with_nothing_swedish_left_in_english_or_arabic():
    swedish = page_in("sv", "how_it_works")
    english = page_in("en", "how_it_works")
    arabic = page_in("ar", "how_it_works")

    assert "Så fungerar det" in swedish.text and "Arbetsutskottet läser den" in swedish.text
    assert "How it works" in english.text and "Arbetsutskottet" not in english.text
    assert "كيف يعمل" in arabic.text and "Arbetsutskottet" not in arabic.text
    assert "The working committee" not in arabic.text


@pytest.mark.django_db
def test_easy_to_read_swedish_gets_its_own_shorter_sentences_and_says_lang_sv():
    plain = page_in("sv", "how_it_works")
    easy = page_in("sv-easy", "how_it_works")

    assert easy.lang == "sv"
    assert "Datorn bestämmer aldrig." in easy.text
    assert "Datorn bestämmer aldrig." not in plain.text
    assert "Det är människor som bestämmer, aldrig datorn." in plain.text
    # Headings not rewritten fall back to plain Swedish, never to English.
    assert "Så fungerar det" in easy.text and "How it works" not in easy.text


@pytest.mark.django_db
def test_how_it_works_gives_the_figures_the_portal_works_by(settings):
    settings.REFERRAL_REMINDER_DAYS = 5
    settings.REFERRAL_ESCALATION_DAYS = 11
    settings.TRIAGE_AGEING_DAYS = 9
    settings.IDEA_RETENTION_MONTHS = 18

    page = page_in("en", "how_it_works")

    assert "A partner who has not answered after 5 days gets a reminder." in page.text
    assert "after 11 days, our coordinator is told" in page.text
    assert "waited 9 days for the committee" in page.text
    assert "erase your name and contact details after 18 months" in page.text
    assert "after 7 days" not in page.text and "24 months" not in page.text


@pytest.mark.django_db
def test_the_contact_page_tells_how_to_get_help_by_phone_and_where_to_get_a_lost_link():
    page = page_in("sv", "contact")

    assert "Hjälp på telefon" in page.text
    assert 'href="tel:0190000000"' in main(page)  # the call button, not only the footer
    assert f'href="{reverse("ideas:lost_link")}"' in main(page)
    assert "idelotsen@example.se" in main(page)


@pytest.mark.django_db
def test_the_about_page_names_the_partnership_and_its_host():
    page = page_in("en", "about")

    assert (
        "Partnerskapet för sociala innovationer i Örebro län is a partnership of organisations"
        in page.text
    )
    assert "Region Örebro län hosts the partnership." in page.text


# --- Branding from settings -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_operator_changes_the_partnership_on_every_page_through_settings(settings):
    # Read before the change (the footer is kept per language and partnership; the cached
    # home and form pages follow within ideas.form_cache.PAGE_TIMEOUT, after the restart).
    for name in NEW_PAGES:
        assert "Region Örebro län" in footer(page_in("sv", name))
    settings.PARTNERSHIP_NAME = "Idéforum Värmland"
    settings.PARTNERSHIP_HOST = "Region Värmland"
    settings.PARTNERSHIP_PHONE = "054-111 22 33"
    settings.PARTNERSHIP_EMAIL = "ideer@example.com"
    settings.PARTNERSHIP_ADDRESS = ["Box 1", "651 00 Karlstad"]
    settings.PARTNERSHIP_LOGO = "https://cdn.example.com/logo.svg"

    for name in ("home", "ideas:submit", *NEW_PAGES):
        page = page_in("sv", name)
        for new in ("Idéforum Värmland", "Region Värmland", "054-111 22 33", "651 00 Karlstad"):
            assert new in page.text, f"{new!r} is missing on {name}"
        assert 'href="tel:0541112233"' in page.html and "mailto:ideer@example.com" in page.html
        assert '<img class="site-brand-logo" src="https://cdn.example.com/logo.svg"' in page.html
        for old in ("Örebro län", "019-000 00 00", "idelotsen@example.se", "Box 0000"):
            assert old not in footer(page) and old not in header(page), (name, old)


@pytest.mark.django_db
def test_the_primary_colour_comes_from_settings_in_the_brand_stylesheet(client, settings):
    settings.PARTNERSHIP_PRIMARY_COLOUR = "#7A1F3D"

    css = client.get(reverse("brand_css"))

    assert css["Content-Type"].startswith("text/css")
    assert "--idl-primary:#7a1f3d;" in css.content.decode()
    assert "--bs-link-color-rgb:122,31,61;" in css.content.decode()
    assert f'<link rel="stylesheet" href="{reverse("brand_css")}">' in page_in("sv", "home").html


def test_a_colour_too_light_for_white_text_or_not_a_colour_is_warned_about(settings):
    settings.PARTNERSHIP_PRIMARY_COLOUR = "#1b4f8a"
    assert check_primary_colour() == []

    settings.PARTNERSHIP_PRIMARY_COLOUR = "#f2b705"
    assert [message.id for message in check_primary_colour()] == ["portal.W002"]

    settings.PARTNERSHIP_PRIMARY_COLOUR = "red; } body { display: none"
    assert [message.id for message in check_primary_colour()] == ["portal.W001"]
    # Nothing the setting holds reaches the stylesheet unless it is a colour.
    assert "display" not in branding().css() and "--idl-primary:#1b4f8a;" in branding().css()


def test_a_logo_from_elsewhere_is_allowed_by_the_content_security_policy():
    from portal.settings import _logo_origin

    assert _logo_origin("https://cdn.example.com/img/logo.svg") == ["https://cdn.example.com"]
    assert _logo_origin("img/logo.svg") == []


# --- Header, footer and the language switch ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "ideas:submit"])
def test_a_resident_page_carries_the_partnership_in_its_header_and_footer(name):
    page = page_in("sv", name)

    assert "Partnerskapet för sociala innovationer i Örebro län" in header(page)
    assert '<img class="site-brand-logo" src="/static/img/logo.svg" alt=""' in header(page)
    for link in NEW_PAGES:
        assert f'href="{reverse(link)}"' in footer(page), link
    for link in ("how_it_works", "contact"):
        assert f'href="{reverse(link)}"' in header(page), link
    assert "Region Örebro län" in footer(page) and "019-000 00 00" in footer(page)


@pytest.mark.django_db
def test_the_menu_marks_the_page_you_are_on():
    page = page_in("en", "how_it_works")

    assert re.search(
        rf'href="{reverse("how_it_works")}" aria-current="page">How it works<', header(page)
    )
    assert f'href="{reverse("contact")}" aria-current' not in header(page)
    # The menu is kept per page (base.html's fragments): the next page marks itself.
    contact = header(page_in("en", "contact"))
    assert re.search(rf'href="{reverse("contact")}" aria-current="page">Contact<', contact)
    assert f'href="{reverse("how_it_works")}" aria-current' not in contact


# Each reader's own entries in the menu, and the entries of staff no one else gets.
MENU_OF = {
    None: [],
    Role.OUTREACH_STAFF: ["ideas:intake"],
    Role.COMMITTEE_MEMBER: [
        "triage:dashboard",
        "triage:statistics",
        "partners:list",
        "outbox:list",
    ],
    Role.COORDINATOR: [
        "ideas:intake",
        "triage:dashboard",
        "triage:statistics",
        "partners:list",
        "outbox:list",
    ],
    Role.PARTNER_CONTACT: ["partner_portal:referral_list"],
}


@pytest.mark.django_db
def test_each_reader_gets_their_own_menu_on_the_same_page_in_their_language():
    """The menu is kept per page, language and kind of reader: a visitor who comes after staff
    gets no staff entries, and staff get theirs in the language they read."""
    every_entry = {name for names in MENU_OF.values() for name in names}
    for language in ("sv", "en"):
        for role, entries in [*MENU_OF.items(), (None, [])]:
            client = Client(HTTP_ACCEPT_LANGUAGE=language)
            if role is not None:
                client.force_login(UserFactory(roles=[role]))
            page = Page.of(client.get(reverse("how_it_works")))
            menu = header(page).split('<nav class="container"')[1]
            for name in every_entry:
                shown = f'href="{reverse(name)}"' in menu
                assert shown == (name in entries), (language, role, name)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(UserFactory(roles=[Role.COMMITTEE_MEMBER]))
    assert ">Statistics<" in header(Page.of(english.get(reverse("how_it_works"))))
    swedish = Client(HTTP_ACCEPT_LANGUAGE="sv")
    swedish.force_login(UserFactory(roles=[Role.COMMITTEE_MEMBER]))
    assert ">Statistik<" in header(Page.of(swedish.get(reverse("how_it_works"))))
    # The footer, kept per language too.
    footers = [
        ("sv", "Om partnerskapet", "About the partnership"),
        ("en", "About the partnership", "Om partnerskapet"),
        ("ar", "عن الشراكة", "Om partnerskapet"),
        ("sv", "Om partnerskapet", "عن الشراكة"),
    ]
    for language, about, other in footers:
        shown = footer(page_in(language, "contact"))
        assert about in shown and other not in shown, language


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_switch_is_a_labelled_group_that_shows_the_current_language(language):
    html = header(page_in(language, "contact"))

    group = re.search(r'<div[^>]*role="group" aria-labelledby="([\w-]+)"', html)
    assert group, "the language switch is not a labelled group"
    label = re.search(rf'id="{group.group(1)}"[^>]*>([^<]+)<', html)
    assert label and label.group(1) == LANGUAGE_LABEL[language]
    current = re.findall(r'<button[^>]*value="([\w-]+)"[^>]*aria-current="true"', html)
    assert current == [language]
    others = re.findall(r'<button[^>]*name="language" value="([\w-]+)"', html)
    assert sorted(others) == sorted(LANGUAGES)  # every language stays one press away


@pytest.mark.django_db
def test_choosing_a_language_moves_the_current_mark(client):
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})

    html = header(Page.of(client.get(reverse("about"))))

    assert re.findall(r'value="([\w-]+)"[^>]*aria-current="true"', html) == ["ar"]


# --- Readable and light -----------------------------------------------------------------------


def stylesheet_colour(name: str) -> str:
    """A custom property's fallback colour as static/css/portal.css sets it."""
    css = (ROOT / "static/css/portal.css").read_text()
    match = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", css)
    assert match, f"--{name} is not set in portal.css"
    return match.group(1)


def test_text_on_the_colours_the_partnership_set_keeps_wcag_aa_contrast(settings):
    brand = branding()
    text, muted = stylesheet_colour("idl-text"), stylesheet_colour("idl-muted")
    pairs = {
        "button text on the primary colour, links on white": (WHITE, brand.primary),
        "button text on hover, footer text": (WHITE, brand.primary_dark),
        "a secondary button's text on its hover tint": (brand.primary, brand.primary_tint),
        "body text": (text, WHITE),
        "the partnership's name under the logo": (muted, WHITE),
    }
    low = {
        what: round(contrast_ratio(*colours), 2)
        for what, colours in pairs.items()
        if contrast_ratio(*colours) < MIN_TEXT_CONTRAST
    }
    assert not low, f"contrast under {MIN_TEXT_CONTRAST}:1: {low}"
    # The formula itself: black on white is 21:1, Bootstrap's grey #6c757d on white 4.69:1.
    assert round(contrast_ratio("#000000", WHITE), 2) == 21
    assert round(contrast_ratio("#6c757d", WHITE), 2) == 4.69


def test_secondary_buttons_are_outlined_in_the_primary_colour_not_grey():
    css = (ROOT / "static/css/portal.css").read_text()
    rule = re.search(r"\.btn-outline-secondary[^{]*\{([^}]*)\}", css)
    assert rule, "portal.css does not style the secondary button"
    assert "--bs-btn-color: var(--idl-primary)" in rule.group(1)
    assert "--bs-btn-border-color: var(--idl-primary)" in rule.group(1)


def stylesheet_bytes(client: Client, href: str) -> bytes:
    if href.startswith("/static/"):
        path = finders.find(href.removeprefix("/static/"))
        assert path, f"{href} is not a static file"
        return Path(str(path)).read_bytes()
    response = client.get(href)
    assert response.status_code == 200, href
    return response.content


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "ar"])
def test_every_public_page_with_its_css_stays_under_50_kb_compressed(language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    weights = {}
    for name in PUBLIC_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content
        sheets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
        assert len(sheets) >= 3, f"{name} links too few stylesheets: {sheets}"
        weights[name] = len(gzip.compress(html)) + sum(
            len(gzip.compress(stylesheet_bytes(client, href.decode()))) for href in sheets
        )
    heavy = {name: weight for name, weight in weights.items() if weight > BUDGET_BYTES}
    assert not heavy, f"pages over {BUDGET_BYTES} bytes compressed with their CSS: {heavy}"


@pytest.mark.django_db
def test_the_favicon_and_the_touch_icon_are_linked_and_exist():
    html = page_in("sv", "home").html

    icon = re.search(r'<link rel="icon" href="/static/([^"]+)" type="image/svg\+xml">', html)
    touch = re.search(r'<link rel="apple-touch-icon" href="/static/([^"]+)">', html)
    assert icon and touch
    assert "<svg" in Path(str(finders.find(icon.group(1)))).read_text()
    png = Path(str(finders.find(touch.group(1)))).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == (180, 180)

"""The accessibility statement has every part Digg's list requires, in Swedish, English and
Arabic, says only what the checks show, and its report form gives the focus to its errors."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

# What each required part says, in each language: the section's own words, not only its heading.
REQUIRED = {
    "sv": {
        "status": "delvis förenlig med lagen om tillgänglighet till digital offentlig service",
        "problems": "Vi har ännu inte testat portalen med hjälpmedel",
        "fix date": "första kvartalet 2027",
        "assessment": "självskattning",
        "assessed on": "Webbplatsen granskades den",
        "reviewed on": "sågs senast över den",
        "report": "Berätta om ett problem",
        "another way": "ger dig informationen på ett annat sätt",
        "digg": "Anmäl till Digg",
        "burden": "Vi åberopar inte oskäligt betungande anpassning",
        "out of scope": "Innehåll som inte omfattas av lagen",
    },
    "en": {
        "status": "partially compliant with the Swedish law",
        "problems": "We have not yet tested the portal with assistive technology",
        "fix date": "first quarter of 2027",
        "assessment": "self-assessment",
        "assessed on": "The website was assessed on",
        "reviewed on": "last reviewed on",
        "report": "Tell us about a problem",
        "another way": "give you the information another way",
        "digg": "Report to Digg",
        "burden": "We do not claim that any adjustment would be a disproportionate burden",
        "out of scope": "Content not covered by the law",
    },
    "ar": {
        "status": "متوافق جزئيًا",
        "problems": "لم نختبر البوابة بعدُ بالتقنيات المساعدة",
        "fix date": "الربع الأول من عام 2027",
        "assessment": "تقييم ذاتي",
        "assessed on": "جرى تقييم الموقع في",
        "reviewed on": "وروجع هذا البيان آخر مرة في",
        "report": "أخبرنا عن مشكلة",
        "another way": "نعطيك المعلومات بطريقة أخرى",
        "digg": "أبلغ Digg",
        "burden": "لا نحتج بأن أي تعديل يشكل عبئًا غير متناسب",
        "out of scope": "محتوى لا يشمله القانون",
    },
}
# Each known problem with the criterion it fails, and those the last review found fixed.
CRITERIA = ["1.3.1", "4.1.2"]
FIXED = ["1.4.10", "2.2.1", "2.5.8", "1.4.3", "3.1.5"]
# Easy-to-read Swedish now covers every resident page and mail (tests/test_easy_read.py checks
# it): the statement says so, and no longer that it does not.
EASY_READ = {
    "sv": ("finns en lättläst text på varje sida och i varje mejl", "täcker ännu inte"),
    "en": ("every page and mail for residents has an easy-to-read text", "does not yet cover"),
    "ar": ("يكون لكل صفحة ورسالة موجّهة إلى السكان نصٌّ سهل القراءة", "لا تغطي السويدية السهلة"),
}
DIGG_URL = "https://www.digg.se/tdosanmalan"


def statement(language: str, method: str = "get", data: dict | None = None) -> str:
    visitor = Client()
    visitor.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    if method == "post":
        response = visitor.post(reverse("accessibility_statement"), data or {})
    else:
        response = visitor.get(reverse("accessibility_statement"))
    assert response.status_code == 200
    return response.content.decode()


def statement_body(language: str) -> str:
    """The statement itself: the page's main part, without the header and footer that every
    page has (the partnership's own contact details are there)."""
    page = statement(language)
    return page[page.index('<main id="main"') : page.index("</main>")]


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_the_statement_has_every_part_digg_requires(language):
    page = statement(language)
    for part, words in REQUIRED[language].items():
        assert words in page, f"{language}: the {part} part is missing"
    known = page[page.index('id="known-problems"') : page.index('id="fix-date"')]
    fixed = page[page.index('id="fixed-problems"') : page.index('id="assessment"')]
    for criterion in CRITERIA:
        assert f"WCAG {criterion}" in known
    for criterion in FIXED:
        assert f"WCAG {criterion}" in fixed and f"WCAG {criterion}" not in known
    assert f'href="{DIGG_URL}"' in page
    assert "Region Örebro län" in page
    said, no_longer = EASY_READ[language]
    assert said in fixed and no_longer not in page


def test_the_settings_name_the_body_the_dates_and_the_contact(settings):
    settings.ACCESSIBILITY_RESPONSIBLE_BODY = "Lindesbergs kommun"
    settings.ACCESSIBILITY_ASSESSED_ON = "2027-03-04"
    settings.ACCESSIBILITY_REVIEWED_ON = "2027-05-06"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@example.org"
    settings.ACCESSIBILITY_CONTACT_PHONE = "019-12 34 56"

    swedish = statement("sv")
    assert "Lindesbergs kommun ansvarar för den här webbplatsen." in swedish
    assert "Region Örebro län" not in statement_body("sv")
    assert '<time datetime="2027-03-04">4 mars 2027</time>' in swedish
    assert '<time datetime="2027-05-06">6 maj 2027</time>' in swedish
    assert 'href="mailto:tillganglighet@example.org"' in swedish
    assert 'href="tel:019-123456"' in swedish

    english = statement("en")
    assert '<time datetime="2027-03-04">4 Mar 2027</time>' in english
    assert "Lindesbergs kommun is responsible for this website." in english
    assert '<time datetime="2027-03-04">4 مارس، 2027</time>' in statement("ar")


def test_without_a_phone_number_the_statement_offers_none(settings):
    settings.ACCESSIBILITY_CONTACT_PHONE = ""
    assert 'href="tel:' not in statement_body("sv")


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_the_statement_claims_no_screen_reader_support_that_no_test_checks(language):
    """No test runs a screen reader, so the statement must not promise one works."""
    page = statement(language).lower()
    for word in ("skärmläsare", "screen reader", "قارئ الشاشة", "قارئات الشاشة"):
        assert word not in page


def test_the_report_forms_errors_take_the_focus_without_javascript():
    page = statement("sv", "post", {"page": "", "description": ""})
    summary = re.search(r"<div[^>]*id=\"error-summary\"[^>]*>", page)
    assert summary, "no error summary"
    assert 'tabindex="-1"' in summary.group(0)
    assert "autofocus" in summary.group(0)
    assert page.count("autofocus") == 1
    # A fragment in the form's address would make the browser skip autofocus.
    form = re.search(r"<form method=\"post\"[^>]*novalidate>", page)
    assert form and "#" not in form.group(0)

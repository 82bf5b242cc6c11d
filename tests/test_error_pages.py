"""The server error page: the portal's own, static, in the visitor's language, with whom to
write to; and it needs neither the database nor the context processors."""

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from portal.errors import server_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_with_error")]


@pytest.fixture
def visitor(client, settings):
    settings.COORDINATOR_EMAIL = "kontakt@partnerskapet.example.org"
    client.raise_request_exception = False
    return client


def test_a_server_error_shows_the_portals_page_in_swedish_with_the_contact_details(
    visitor, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = visitor.get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="sv" dir="ltr">' in page
    assert "<h1>Något gick fel</h1>" in page
    assert "kontakt@partnerskapet.example.org" in page
    assert "Partnerskapet för sociala innovationer i Örebro län" in page
    assert "Something went wrong" not in page
    assert "Server Error (500)" not in page


def test_a_browser_asking_for_english_gets_the_page_in_english(visitor):
    response = visitor.get("/broken/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "<h1>Something went wrong</h1>" in page
    assert "kontakt@partnerskapet.example.org" in page
    assert "Något gick fel" not in page


def test_the_language_chosen_on_the_site_wins_and_arabic_reads_right_to_left(visitor):
    visitor.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = visitor.get("/broken/", HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1>حدث خطأ ما</h1>" in page
    assert "bootstrap.rtl.min.css" in page
    assert "Something went wrong" not in page


def test_the_error_page_renders_with_the_database_out_of_reach(django_db_blocker, settings):
    settings.COORDINATOR_EMAIL = "kontakt@partnerskapet.example.org"
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="sv")
    with django_db_blocker.block():
        response = server_error(request)
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_a_strange_accept_language_header_still_gets_a_page(visitor):
    response = visitor.get("/broken/", HTTP_ACCEPT_LANGUAGE="\x00;q=x,,," + "x" * 500)
    assert response.status_code == 500
    assert "<h1>Något gick fel</h1>" in response.content.decode()

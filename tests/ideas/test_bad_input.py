"""Bad input and abuse: clear messages in the page, never a server error."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ideas.models import Idea
from tests.ideas.conftest import started_ago, valid_form

pytestmark = pytest.mark.django_db
SUBMIT = "/idea/new/"


def test_every_error_is_next_to_its_field_and_linked_from_the_summary(client):
    response = client.post(SUBMIT, valid_form(title="", themes=None, consent=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    for field in ("title", "themes", "consent"):
        assert re.search(rf'href="#id_{field}(_0)?"', page), field
    # The title input is marked invalid and points at its error message.
    title_input = re.search(r"<input[^>]*name=\"title\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in title_input
    described = re.search(r'aria-describedby="([^"]+)"', title_input).group(1)
    for error_id in described.split():
        assert f'id="{error_id}"' in page


def test_everything_typed_stays_filled_in_after_an_error(client):
    response = client.post(SUBMIT, valid_form(consent="", submitter_phone="070-111 22 33"))
    page = response.content.decode()
    for typed in (
        "Mötesplats i gamla skolan",
        "Byn saknar en plats",
        "Grythyttan",
        "Anna Andersson",
        "anna@example.org",
        "070-111 22 33",
        "Grythyttans byalag",
    ):
        assert typed in page, typed
    assert re.search(r'value="local_development_group"[^>]*checked', page)


def test_errors_are_in_english_for_an_english_visitor(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.post(SUBMIT, valid_form(consent="")).content.decode()
    assert "Tick the box to agree, or we cannot store your idea." in page


# Each required field of the resident's form, and what its error tells the resident to do.
SAYS_WHAT_TO_DO = {
    "title": "Skriv ett kort namn på din idé.",
    "need": "Skriv vilket behov eller problem det handlar om.",
    "description": "Beskriv din idé med några meningar.",
    "municipality": "Välj vilken kommun din idé finns i.",
    "themes": "Välj minst ett tema.",
    "stage": "Välj hur långt idén har kommit.",
    "organisation_kind": "Välj om du skriver som privatperson, förening eller något annat.",
    "language": "Välj vilket språk vi ska skriva till dig på.",
    "consent": "Kryssa i rutan för att godkänna. Annars kan vi inte spara din idé.",
}


def test_an_empty_required_field_says_what_to_do_beside_the_field_and_in_the_summary(client):
    """WCAG 3.3.3: not "This field is required." after a question, but what to write or pick."""
    empty = {name: None if name == "themes" else "" for name in SAYS_WHAT_TO_DO}
    page = client.post(SUBMIT, valid_form(**empty), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Detta fält måste fyllas i." not in page
    summary = re.search(r'id="error-summary".*?</ul>', page, re.S).group(0)
    for name, message in SAYS_WHAT_TO_DO.items():
        assert message in summary, name
        # Beside the field, in the element the field (or its group's fieldset) is described by.
        beside = re.search(rf'<div id="id_{name}_error"[^>]*>(.*?)</div>', page, re.S)
        assert beside and message in beside.group(1), f"{name}: the message is not beside it"
        assert re.search(rf'aria-describedby="[^"]*\bid_{name}_error\b', page), name
    # A question is not followed by a colon: "Vad handlar din idé om? Välj minst ett tema."
    assert "Vad handlar din idé om? Välj minst ett tema." in summary
    assert "?:" not in summary and ".:" not in summary


def test_html_in_every_field_is_shown_as_text_on_the_error_page(client):
    evil = "<img src=x onerror=alert(1)>"
    page = client.post(
        SUBMIT, valid_form(need=evil, submitter_name=evil, consent="")
    ).content.decode()
    assert evil not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_name_with_line_breaks_is_kept_on_one_line(client):
    client.post(
        SUBMIT, valid_form(submitter_name="Anna\r\nBcc: x@example.org", organisation_name="Lag\nX")
    )
    idea = Idea.objects.get()
    assert idea.submitter_name == "Anna Bcc: x@example.org"
    assert "\n" not in idea.organisation_name


def test_a_nul_byte_gets_a_message_next_to_the_field(client):
    response = client.post(SUBMIT, valid_form(description="Hej\x00då"))
    assert response.status_code == 200
    assert Idea.objects.count() == 0
    assert 'href="#id_description"' in response.content.decode()


def test_invalid_utf8_gets_a_clear_message_and_no_server_error(client):
    body = "&".join(
        f"{key}={value}"
        for key, value in [
            ("title", "Bra%20id%C3%A9"),
            ("description", "Trasig%20text%20%FF%FE%20h%C3%A4r"),
        ]
    )
    response = client.post(SUBMIT, body, content_type="application/x-www-form-urlencoded")
    page = response.content.decode()
    assert response.status_code == 200
    assert "gick inte att läsa" in page  # "could not be read"
    assert 'href="#id_description"' in page


def test_a_megabyte_of_text_in_a_field_gets_a_message_not_a_crash(client):
    response = client.post(SUBMIT, valid_form(description="a" * 1024 * 1024))
    assert response.status_code == 200
    assert Idea.objects.count() == 0
    assert 'href="#id_description"' in response.content.decode()


def test_a_request_body_too_large_to_read_gets_a_message_in_the_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(SUBMIT, valid_form(description="a" * 20_000))
    page = response.content.decode()
    assert response.status_code == 413
    assert 'id="page-problem"' in page
    assert "<form" in page
    assert Idea.objects.count() == 0


def test_a_body_above_the_size_limit_is_refused_before_it_is_read_even_without_csrf(settings):
    settings.IDEAS_MAX_REQUEST_BYTES = 1000
    client = Client(enforce_csrf_checks=True)
    response = client.post(SUBMIT, valid_form(description="a" * 5000))
    assert response.status_code == 413
    assert 'id="page-problem"' in response.content.decode()
    assert Idea.objects.count() == 0


def test_a_normal_post_without_a_csrf_token_is_still_refused():
    client = Client(enforce_csrf_checks=True)
    assert client.post(SUBMIT, valid_form()).status_code == 403
    assert Idea.objects.count() == 0


def test_an_oversized_upload_gets_a_message_next_to_the_field(client):
    big = SimpleUploadedFile(
        "stor.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    response = client.post(SUBMIT, {**valid_form(), "attachments": [big]})
    page = response.content.decode()
    assert response.status_code == 200
    assert Idea.objects.count() == 0
    assert 'href="#id_attachments"' in page
    assert "stor.pdf" in page


def test_the_honeypot_field_stops_a_robot(client):
    response = client.post(SUBMIT, valid_form(website="http://spam.example"))
    assert response.status_code == 200
    assert Idea.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    page = client.get(SUBMIT).content.decode()
    assert re.search(r'<div[^>]*class="d-none"[^>]*>\s*<div[^>]*id="div_id_website"', page)


def test_a_form_sent_faster_than_a_person_can_fill_it_is_turned_back_with_everything_kept(
    client,
):
    response = client.post(SUBMIT, valid_form(started=started_ago(0)))
    page = response.content.decode()
    assert Idea.objects.count() == 0
    assert 'id="error-summary"' in page
    assert "Mötesplats i gamla skolan" in page


def test_a_tampered_time_stamp_is_turned_back(client):
    client.post(SUBMIT, valid_form(started="1:forged"))
    client.post(SUBMIT, valid_form(started=None))
    assert Idea.objects.count() == 0


def test_a_corrected_form_keeps_its_first_time_stamp_so_it_is_not_too_fast(client):
    first = client.post(SUBMIT, valid_form(consent="")).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', first).group(1)
    client.post(SUBMIT, valid_form(started=started))
    assert Idea.objects.count() == 1


def test_too_many_submissions_from_one_address_get_a_friendly_message(client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.IDEAS_SUBMIT_RATE = "2/h"
    for n in range(2):
        client.post(SUBMIT, valid_form(title=f"Idé {n}"))
    response = client.post(SUBMIT, valid_form(title="Den tredje"))
    page = response.content.decode()
    assert response.status_code == 429
    assert 'id="page-problem"' in page
    assert "Den tredje" in page  # nothing typed is lost
    assert Idea.objects.count() == 2


def test_failed_attempts_do_not_use_up_the_limit(client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.IDEAS_SUBMIT_RATE = "1/h"
    client.post(SUBMIT, valid_form(consent=""))
    client.post(SUBMIT, valid_form())
    assert Idea.objects.count() == 1


def test_the_rate_limit_can_be_switched_off_for_benchmarks(client, settings):
    settings.RATELIMIT_ENABLE = False
    settings.IDEAS_SUBMIT_RATE = "1/h"
    for n in range(3):
        client.post(SUBMIT, valid_form(title=f"Idé {n}"))
    assert Idea.objects.count() == 3


@pytest.mark.parametrize("field", ["municipality", "themes", "support_wanted"])
@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "1.5", "x\x00"])
def test_an_impossible_choice_gets_a_message_not_a_crash(client, field, value):
    response = client.post(SUBMIT, valid_form(**{field: value}))
    assert response.status_code == 200
    assert Idea.objects.count() == 0
    assert f'href="#id_{field}' in response.content.decode()

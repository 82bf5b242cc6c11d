import pytest
from django.core import mail
from django.urls import reverse

from portal.outbox.models import Message, MessageKind

pytestmark = pytest.mark.django_db


def test_every_page_links_to_the_privacy_notice_and_the_accessibility_statement(client):
    page = client.get("/").content.decode()
    assert reverse("privacy_notice") in page
    assert reverse("accessibility_statement") in page


def test_the_privacy_notice_names_the_version_the_retention_and_the_rights(client, settings):
    settings.IDEA_RETENTION_MONTHS = 18
    from ideas.models import PRIVACY_TEXT_VERSION

    page = client.get(reverse("privacy_notice")).content.decode()
    assert PRIVACY_TEXT_VERSION in page
    assert "18" in page
    assert "IMY" in page
    assert settings.PRIVACY_CONTACT_EMAIL in page


def test_an_accessibility_problem_reaches_the_coordinator(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accessibility_statement"),
            {
                "page": "/idea/new/",
                "description": "Fokus syns inte på knappen.",
                "email": "besok@example.org",
            },
            follow=True,
        )
    assert response.status_code == 200
    message = Message.objects.get(kind=MessageKind.NOTICE)
    assert message.recipient == settings.COORDINATOR_EMAIL
    assert "Fokus syns inte på knappen." in mail.outbox[0].body


def test_an_empty_report_is_explained_next_to_the_field(client):
    response = client.post(reverse("accessibility_statement"), {"description": ""})
    page = response.content.decode()
    assert 'href="#id_description"' in page
    assert not Message.objects.exists()


def test_a_report_from_a_bot_filling_the_hidden_field_is_dropped(client):
    client.post(
        reverse("accessibility_statement"),
        {"description": "spam", "website": "http://spam.example"},
    )
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("committee_member", "/triage/"),
        ("coordinator", "/triage/"),
        ("outreach_staff", "/intake/"),
        ("partner_contact", "/partner/"),
    ],
)
def test_each_role_lands_on_its_own_page_after_logging_in(client, role, landing):
    from tests.factories import UserFactory

    user = UserFactory(roles=[role])
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": "a-long-test-password"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_accessibility_reports_are_limited_per_address_and_the_text_is_kept(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_REPORT_RATE = "3/h"
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accessibility_statement"), {"description": f"Rapport {n}"}, follow=True
            )
        assert "Tack! Vi har tagit emot" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accessibility_statement"),
            {"page": "/idea/new/", "description": "Knappen går inte att nå med tangentbordet."},
        )

    assert response.status_code == 429
    page = response.content.decode()
    assert "Många rapporter har skickats från din anslutning" in page
    assert "Knappen går inte att nå med tangentbordet.</textarea>" in page
    assert 'value="/idea/new/"' in page
    assert "Tack! Vi har tagit emot" not in page
    assert Message.objects.filter(kind=MessageKind.NOTICE).count() == 3
    assert len(mail.outbox) == 3
    # Another address is not affected.
    other = client.post(
        reverse("accessibility_statement"),
        {"description": "Från en annan"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert other.status_code == 302

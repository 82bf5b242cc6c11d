"""A form's error that belongs to no single field is shown once, in the error summary."""

import pytest
from django.urls import reverse

from ideas.forms import started_value
from tests.factories import UserFactory
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_reported_once(client):
    UserFactory(username="kim")
    response = client.post(reverse("login"), {"username": "kim", "password": "fel-lösenord-12"})
    page = response.content.decode()
    assert page.count("Ange ett korrekt användarnamn och lösenord.") == 1
    assert 'id="error-summary"' in page


def test_a_form_sent_too_fast_is_reported_once(client):
    response = client.post(reverse("ideas:submit"), valid_form(started=started_value()))
    page = response.content.decode()
    assert page.count("Det gick väldigt fort. Kontrollera din idé och skicka den igen.") == 1
    assert "Mötesplats i gamla skolan" in page  # nothing typed is lost

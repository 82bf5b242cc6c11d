"""Every route refuses a POST without a CSRF token, and no GET changes anything."""
import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.roles import Role
from tests.factories import UserFactory
from tests.test_access import ROUTES, _fill

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.key)
def test_a_post_without_a_csrf_token_is_refused(route):
    client = Client(enforce_csrf_checks=True)
    url = _fill(route)
    client.force_login(UserFactory(roles=list(Role), is_staff=True, is_superuser=True))
    response = client.post(url, {"title": "x", "note": "x"})
    assert response.status_code == 403, f"POST {url} without a token got {response.status_code}"
    assert b"CSRF" in response.content


WRITES = ("INSERT", "UPDATE", "DELETE")
# Writes a GET may make that change nothing the user sees: the session, the login lockout log.
ALLOWED_TABLES = ("django_session", "axes_")


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.key)
def test_a_get_changes_no_data(route):
    """The first GET counts: a page that writes a row when first opened must be caught."""
    client = Client()
    url = _fill(route)
    client.force_login(UserFactory(roles=list(Role), is_staff=True, is_superuser=True))
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(WRITES)
              and not any(table in q["sql"] for table in ALLOWED_TABLES)]
    assert not writes, f"GET {url} wrote to the database: {writes[:3]}"


def test_the_check_covers_models_of_every_app():
    labels = {model._meta.app_label for model in apps.get_models()}
    assert {"ideas", "partners", "triage", "outbox"} <= labels

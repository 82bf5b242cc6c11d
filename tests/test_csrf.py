"""Every route refuses a POST without a CSRF token, and no GET changes anything."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import F
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
    if route.namespace == "hsds" and response.status_code == 405:
        # The Open Referral API is read-only and keeps no session: it takes no POST at all.
        assert response["Allow"] == "GET"
        return
    assert response.status_code == 403, f"POST {url} without a token got {response.status_code}"
    assert b"CSRF" in response.content


WRITES = ("INSERT", "UPDATE", "DELETE")
# Writes a GET may make that change nothing the user sees: the session, the login lockout log.
ALLOWED_TABLES = ("django_session", "axes_")
# The project's own apps that hold models (an app added later is covered without an edit).
PROJECT_APPS = sorted(
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(settings.BASE_DIR)
    and ".venv" not in Path(config.path).parts
    and config.models
)


def data_writes(queries) -> list[str]:
    """The captured statements that write to a table other than the allowed ones."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        and not any(table in q["sql"] for table in ALLOWED_TABLES)
    ]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.key)
def test_a_get_changes_no_data(route):
    """The first GET counts: a page that writes a row when first opened must be caught."""
    client = Client()
    url = _fill(route)
    client.force_login(UserFactory(roles=list(Role), is_staff=True, is_superuser=True))
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    writes = data_writes(queries.captured_queries)
    assert not writes, f"GET {url} wrote to the database: {writes[:3]}"


@pytest.mark.parametrize("app_label", PROJECT_APPS)
def test_the_check_covers_models_of_every_app(app_label):
    """A write to any model of the app is caught by the check of test_a_get_changes_no_data."""
    assert {"ideas", "partners", "triage", "outbox"} <= set(PROJECT_APPS)
    tables = [model._meta.db_table for model in apps.get_app_config(app_label).get_models()]
    assert tables, f"{app_label} has no models"
    assert not [t for t in tables if any(allowed in t for allowed in ALLOWED_TABLES)]
    for model in apps.get_app_config(app_label).get_models():
        with CaptureQueriesContext(connection) as queries:
            # An UPDATE that matches no row is still the statement a writing view would send.
            primary_key = model._meta.pk.name
            model._base_manager.filter(pk__isnull=True).update(**{primary_key: F(primary_key)})
        caught = data_writes(queries.captured_queries)
        assert len(caught) == 1 and model._meta.db_table in caught[0], (
            f"a write to {model._meta.label} is not caught by the check: "
            f"{[q['sql'] for q in queries.captured_queries]}"
        )

import os

import pytest
from django.core.cache import cache, caches

from portal.celery import app as celery_app
from portal.roles import Role
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM is safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_in_process(request, settings):
    """Hash passwords fast; run Celery tasks in-process unless the test drives a real worker."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rolled-back tests hand out the same ids again: nothing cached may outlive a test.
    cache.clear()
    caches["fragments"].clear()
    # Login lockout is tested on its own (tests/test_security.py); elsewhere it stays out.
    settings.AXES_ENABLED = bool(request.node.get_closest_marker("axes"))
    if request.node.get_closest_marker("services") is None:
        previous = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        yield
        celery_app.conf.task_always_eager = previous
    else:
        yield


@pytest.fixture
def committee_member(db):
    return UserFactory(username="ledamot", roles=[Role.COMMITTEE_MEMBER])


@pytest.fixture
def coordinator(db):
    return UserFactory(username="samordnare", roles=[Role.COORDINATOR])


@pytest.fixture
def outreach_staff(db):
    return UserFactory(username="uppsok", roles=[Role.OUTREACH_STAFF])


@pytest.fixture
def partner_contact(db):
    return UserFactory(username="partner", roles=[Role.PARTNER_CONTACT])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administratör", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def committee_client(client, committee_member):
    client.force_login(committee_member)
    return client

"""With the Redis cache down, the resident's pages and the dashboard still answer.

The cache points at a Redis port nobody listens on, so every call to it fails the way it does
when Redis is stopped (tests/services/test_outages.py stops and starts a real one). The
fail-soft backend (portal/cache.py) answers from this process's memory instead.
"""

import logging
import socket

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from ideas.models import Idea
from portal import cache as fail_soft
from portal.settings import cache_settings
from tests.factories import IdeaFactory
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nobody listens


@pytest.fixture
def redis_down(settings):
    fail_soft._retry_at.clear()
    settings.CACHES = {
        **settings.CACHES,
        "default": cache_settings(f"redis://127.0.0.1:{closed_port()}/0"),
    }
    assert settings.CACHES["default"]["BACKEND"] == "portal.cache.FailSoftRedisCache"
    yield
    fail_soft._retry_at.clear()


def test_with_redis_down_the_form_the_submission_and_the_dashboard_answer(
    client, committee_member, redis_down, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="portal.cache")
    form = client.get(reverse("ideas:submit"))
    assert form.status_code == 200
    assert 'name="title"' in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ideas:submit"), valid_form(title="Bybuss under avbrottet"))

    assert response.status_code == 302
    assert Idea.objects.get().title == "Bybuss under avbrottet"
    assert client.get(response["Location"]).status_code == 200
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    client.force_login(committee_member)
    dashboard = client.get(reverse("triage:dashboard"))
    assert dashboard.status_code == 200
    assert "Bybuss under avbrottet" in dashboard.content.decode()
    warnings = [r.getMessage() for r in caplog.records if r.name == "portal.cache"]
    assert len(warnings) == 1 and "does not answer" in warnings[0]


def test_with_redis_down_the_submission_limit_still_holds_in_the_process(
    client, settings, redis_down
):
    settings.IDEAS_SUBMIT_RATE = "2/h"
    for n in range(2):
        response = client.post(reverse("ideas:submit"), valid_form(title=f"Idé {n}"))
        assert response.status_code == 302

    response = client.post(reverse("ideas:submit"), valid_form(title="Den tredje idén"))

    assert response.status_code == 429
    page = response.content.decode()
    assert "Många idéer har skickats" in page
    assert 'value="Den tredje idén"' in page
    assert Idea.objects.count() == 2


def test_a_failing_cache_misses_instead_of_raising(redis_down):
    assert cache.get("anything") is None
    cache.set("key", "value")
    assert cache.get("key") == "value"  # kept in this process meanwhile
    assert cache.add("counter", 1) is True
    assert cache.incr("counter") == 2
    assert cache.get_or_set("other", 5) == 5
    cache.delete("key")
    assert cache.get("key") is None


def test_the_committee_dashboard_cache_keys_still_change_with_the_data(
    committee_client, redis_down
):
    first = IdeaFactory(title="Första idén")
    assert first.title in committee_client.get(reverse("triage:dashboard")).content.decode()
    IdeaFactory(title="Andra idén")
    assert "Andra idén" in committee_client.get(reverse("triage:dashboard")).content.decode()

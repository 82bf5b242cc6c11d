"""The plumbing of `make bench`: its data, its bare view, its form filling and its verdicts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, IdeaEvent
from ideas.selectors import idea_for_tracking_token
from ideas.services import next_reference
from tests.bench.data import backup_codes_create, ideas_bulk_create
from tests.bench.forms import error_text, form_body, form_payload
from tests.bench.run import checks_evaluate, module_benches_run, ratios_add


@pytest.mark.django_db
def test_bulk_ideas_reach_the_count_with_themes_history_and_unique_numbers():
    sample = ideas_bulk_create(60)

    assert Idea.objects.count() == 60
    references = list(Idea.objects.values_list("reference", flat=True))
    assert len(set(references)) == 60
    assert not Idea.objects.filter(themes=None).exists()
    assert IdeaEvent.objects.values("idea").distinct().count() == 60
    assert idea_for_tracking_token(sample.tracking_token).reference == sample.reference
    assert next_reference(timezone.localdate().year) not in references
    # Each with its receipt in the outbox, sent, about the idea (the outbox list's rows).
    from portal.outbox.models import Message, MessageState
    from portal.outbox.selectors import messages_about

    assert Message.objects.filter(state=MessageState.SENT).count() == 60
    idea = Idea.objects.get(reference=sample.reference)
    assert [m.idempotency_key for m in messages_about(idea)] == [f"receipt:{idea.reference}"]


@pytest.mark.django_db
def test_bulk_creation_adds_nothing_when_the_count_is_reached():
    ideas_bulk_create(5)

    assert ideas_bulk_create(5) is None
    assert Idea.objects.count() == 5


@pytest.mark.django_db
def test_backup_codes_pass_the_coordinators_second_factor(coordinator):
    from django_otp import match_token

    codes = backup_codes_create(coordinator.username, 3)

    assert len(codes) == 3
    assert match_token(coordinator, codes[0]) is not None
    assert match_token(coordinator, codes[0]) is None  # each code works once


@pytest.mark.django_db
def test_the_bare_view_answers_without_touching_the_database(
    client, settings, django_assert_num_queries
):
    settings.ROOT_URLCONF = "tests.bench.urls"

    with django_assert_num_queries(0):
        response = client.get("/bench/bare/")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert reverse("ideas:submit") == "/idea/new/"


@pytest.mark.django_db
def test_the_filled_in_form_is_a_valid_submission_with_the_honeypot_left_empty(client, settings):
    settings.RATELIMIT_ENABLE = False
    settings.IDEAS_MIN_FILL_SECONDS = 0
    path = reverse("ideas:submit")
    page = client.get(path).content.decode()

    pairs, _enctype = form_payload(page, path)
    body, content_type = form_body(page, path)
    response = client.post(path, data=body, content_type=content_type)

    names = dict(pairs)
    assert names["website"] == ""
    assert "save_draft" not in names
    assert names["municipality"]
    assert response.status_code == 302, error_text(response.content.decode())
    assert Idea.objects.count() == 1


def test_error_text_reads_the_error_summary():
    html = (
        '<div class="alert alert-danger" id="error-summary"><h2>Fix:</h2><ul>'
        '<li><a href="#id_title">Title: This field is required.</a></li></ul></div>'
    )

    assert error_text(html) == "Title: This field is required."


def test_a_page_below_its_share_of_the_bare_view_fails_and_a_page_left_out_is_skipped():
    rows = [
        {"name": "bare view", "rps": 1000.0, "errors": 0},
        {"name": "form page", "rps": 400.0, "errors": 0},
    ]
    ratios_add(rows)

    checks = {c["target"]: c for c in checks_evaluate(rows, 10_000, {"form page"})}

    assert rows[1]["ratio"] == 0.4
    assert checks["form page"]["passed"] is False
    assert checks["dashboard"]["passed"] is None


def test_a_page_with_errors_fails_even_when_fast():
    rows = [
        {"name": "bare view", "rps": 1000.0, "errors": 0},
        {"name": "dashboard", "rps": 900.0, "errors": 3},
    ]
    ratios_add(rows)

    checks = {c["target"]: c for c in checks_evaluate(rows, 10_000, {"dashboard"})}

    assert checks["dashboard"]["passed"] is False


def test_module_benches_report_their_rows_and_a_broken_module_as_a_failed_row(tmp_path):
    (tmp_path / "bench_good.py").write_text(
        "def run():\n    return [{'name': 'speed', 'value': 1.5, 'unit': 'ms',"
        " 'target': '< 5', 'passed': True}]\n"
    )
    (tmp_path / "bench_broken.py").write_text("def run():\n    raise ValueError('no')\n")

    rows = module_benches_run([], folder=tmp_path)

    assert [(r["module"], r["passed"]) for r in rows] == [
        ("bench_broken", False),
        ("bench_good", True),
    ]
    assert rows[1]["value"] == 1.5


def test_a_page_whose_ratio_drops_by_more_than_a_fifth_with_the_data_is_not_flat():
    from tests.bench.run import flatness_evaluate

    def run(ideas: int, **ratios: float) -> dict:
        rows = [{"name": name.replace("_", " "), "ratio": r} for name, r in ratios.items()]
        return {"ideas": ideas, "http": [{"name": "bare view", "ratio": 1.0}, *rows]}

    flat = flatness_evaluate(
        [run(10_000, home=0.60, statistics=0.30), run(100_000, home=0.50, statistics=0.03)]
    )

    assert {c["target"]: c["passed"] for c in flat} == {"home": True, "statistics": False}
    assert flatness_evaluate([run(10_000, home=0.6)]) == []


def test_the_bench_falls_back_to_sqlite_and_says_why_when_postgresql_does_not_answer(
    monkeypatch,
):
    from tests.bench import run

    config = run.Config()
    config.database_url = ""
    monkeypatch.setattr(run, "postgres_problem", lambda url: "OperationalError: refused")
    run.database_choose(config)
    assert config.database_url == ""
    assert "no PostgreSQL" in config.fallback and "refused" in config.fallback

    monkeypatch.setattr(run, "postgres_problem", lambda url: "")
    run.database_choose(config)
    assert config.database_url == run.DEFAULT_POSTGRES_URL
    assert "bench" in config.database_url


def test_bench_scales_are_read_in_order_and_bench_ideas_is_the_single_scale(monkeypatch):
    from tests.bench.run import Config

    monkeypatch.setenv("BENCH_SCALES", "100000, 10000")
    assert Config().scales == [10_000, 100_000]
    assert Config().ideas == 100_000
    monkeypatch.delenv("BENCH_SCALES")
    monkeypatch.setenv("BENCH_IDEAS", "2000")
    assert Config().scales == [2000]


@pytest.mark.django_db
def test_the_statistics_counted_afresh_ask_for_a_new_period_each_time(committee_client):
    from datetime import date, timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.bench.run import fresh_periods

    paths = fresh_periods(reverse("triage:statistics"), count=3)
    assert len(set(paths)) == 3
    committee_client.get(paths[0])  # the session settles

    with CaptureQueriesContext(connection) as counted:
        page = committee_client.get(paths[1])
    with CaptureQueriesContext(connection) as kept:
        committee_client.get(paths[1])
    with CaptureQueriesContext(connection) as counted_again:
        committee_client.get(paths[2])

    assert page.context["period"].start == date.today() - timedelta(days=732)
    assert len(kept.captured_queries) < len(counted.captured_queries)
    assert len(counted_again.captured_queries) == len(counted.captured_queries)

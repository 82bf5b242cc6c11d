"""The verdicts of `make load`: what counts as stored, delivered, duplicated and failed."""

from types import SimpleNamespace

import pytest

from portal.outbox.models import Message, MessageKind, MessageState
from tests.factories import IdeaFactory
from tests.load.run import (
    EMAIL_DOMAIN,
    Stored,
    checks_evaluate,
    database_name_checked,
    percentile,
    redis_db_checked,
    stored_collect,
)

A = f"resident-a@{EMAIL_DOMAIN}"
B = f"resident-b@{EMAIL_DOMAIN}"


def results(submitted=(A, B), failures=0, unfinished=0) -> dict:
    return {
        "submitted": list(submitted),
        "posted": len(submitted),
        "total_failures": failures,
        "total_requests": 40,
        "unfinished_rounds": unfinished,
        "errors": [
            {"name": "submission", "method": "POST", "error": "HTTP 500", "occurrences": failures}
        ]
        if failures
        else [],
        "rows": [{"name": "dashboard", "method": "GET", "requests": 5, "failures": 0}],
    }


def stored(emails=(A, B), receipts=None, pending=0, failed=0) -> Stored:
    return Stored(
        load_emails=list(emails),
        receipts_by_recipient={A: 1, B: 1} if receipts is None else receipts,
        pending=pending,
        failed_messages=failed,
        other_mails=0,
        drain_seconds=1.0,
    )


def verdicts(run: dict, held: Stored) -> dict[str, bool]:
    checks = checks_evaluate(run, held, residents=2, members=1, drain_limit=120)
    return {item["check"]: item["passed"] for item in checks}


def test_a_run_where_everything_arrived_once_passes_every_check():
    assert all(verdicts(results(), stored()).values())


def test_a_receipt_that_never_arrived_fails_delivery_but_is_no_duplicate():
    outcome = verdicts(results(), stored(receipts={A: 1}))

    assert outcome["every receipt delivered"] is False
    assert outcome["no receipt delivered twice"] is True


def test_a_receipt_delivered_twice_is_reported_on_its_own():
    outcome = verdicts(results(), stored(receipts={A: 2, B: 1}))

    assert outcome["every receipt delivered"] is True
    assert outcome["no receipt delivered twice"] is False


def test_a_submission_answered_as_received_but_not_in_the_database_fails():
    outcome = verdicts(results(), stored(emails=[A], receipts={A: 1}))

    assert outcome["every submission stored, and nothing else"] is False


def test_an_idea_stored_without_a_successful_answer_fails_too():
    outcome = verdicts(results(submitted=[A]), stored())

    assert outcome["every submission stored, and nothing else"] is False


def test_one_failed_request_or_an_unfinished_round_fails_the_run():
    assert verdicts(results(failures=1), stored())["no Locust failures"] is False
    assert verdicts(results(unfinished=1), stored())["no Locust failures"] is False


def test_mail_still_queued_or_failed_after_the_wait_fails_the_run():
    assert verdicts(results(), stored(pending=3))["outbox drained"] is False
    assert verdicts(results(), stored(failed=1))["outbox drained"] is False


def test_a_run_without_any_submission_does_not_pass_as_all_stored():
    outcome = verdicts(results(submitted=[]), stored(emails=[], receipts={}))

    assert outcome["the residents submitted ideas"] is False


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:5432/idelotsen",
        "postgres://postgres@127.0.0.1:5432/idelotsen_bench",
        "sqlite:////tmp/idelotsen_load.sqlite3",
    ],
)
def test_a_database_not_named_for_load_tests_is_never_dropped(url):
    with pytest.raises(SystemExit):
        database_name_checked(url)


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379", "redis://127.0.0.1:6379/0"])
def test_a_redis_url_without_its_own_database_number_is_never_emptied(url):
    with pytest.raises(SystemExit):
        redis_db_checked(url)


def test_the_default_database_and_redis_database_are_accepted():
    assert (
        database_name_checked("postgres://postgres@127.0.0.1:5432/idelotsen_load")
        == "idelotsen_load"
    )
    assert redis_db_checked("redis://127.0.0.1:6379/13") == 13


@pytest.mark.django_db
def test_mails_are_counted_per_load_recipient_and_other_mail_apart():
    IdeaFactory(submitter_email=A)
    IdeaFactory(submitter_email="someone@example.org")
    Message.objects.create(
        kind=MessageKind.RECEIPT,
        recipient=B,
        subject="s",
        body_text="t",
        message_id="<1@x>",
        idempotency_key="k1",
        state=MessageState.FAILED,
    )
    mails = [
        SimpleNamespace(recipients=[A]),
        SimpleNamespace(recipients=[A.upper()]),
        SimpleNamespace(recipients=["samordnare@example.org"]),
    ]

    held = stored_collect(SimpleNamespace(mails=lambda: mails), pending=0, drain_seconds=2.0)

    assert held.load_emails == [A]
    assert held.receipts_by_recipient == {A: 2}
    assert held.other_mails == 1
    assert held.failed_messages == 1


def test_percentiles_take_the_nearest_rank():
    values = [float(n) for n in range(1, 21)]

    assert percentile(values, 0.5) == 10.0
    assert percentile(values, 0.95) == 19.0
    assert percentile([], 0.95) is None

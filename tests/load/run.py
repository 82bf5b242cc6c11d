"""`make load`: residents and the committee at once, against the whole production stack.

    python -m tests.load.run

1. Makes the PostgreSQL database LOAD_DATABASE_URL again (its name must contain "load"),
   empties the Redis database LOAD_REDIS_URL (only that one), migrates, collects static files,
   loads the demo data, adds bulk ideas up to LOAD_IDEAS (tests/bench/data.py) and one-time
   backup codes for the committee accounts.
2. Starts a local SMTP server in this process (aiosmtpd; it keeps every mail, so mails are
   counted per recipient), a real `celery -A portal worker` (concurrency 2, beat inside for the
   outbox sweep) and gunicorn, all with debug off and tests.bench.settings: the production
   settings, but no rate limit, no minimum fill time and cookies that work over plain HTTP.
   The SMTP server and the worker come from tests/services/conftest.py, gunicorn from
   tests/bench/run.py.
3. Runs Locust (tests/load/load.py, in its own process) for LOAD_SECONDS: LOAD_RESIDENTS
   residents submit ideas, each with an email address of its own, and LOAD_MEMBERS committee
   members work the dashboard. Only 127.0.0.1 is contacted; the run stops by itself.
4. Waits (at most LOAD_DRAIN_SECONDS) until the outbox has no queued or sending message, then
   checks: no Locust failure; every successful submission, and no other, is an idea in the
   database; every such idea's receipt reached the SMTP server exactly once (duplicates are
   reported on their own); no message failed. Prints the figures per page and the checks,
   writes bench-results/load.json and exits 1 when a check fails.
5. Stops gunicorn, the worker and the SMTP server and removes its temporary folder, also on
   an error or Ctrl-C.

Settings, all optional: LOAD_SECONDS (120), LOAD_RESIDENTS (100), LOAD_MEMBERS (10),
LOAD_SPAWN_RATE (10 users a second), LOAD_WORKERS (gunicorn sync workers, 2 × CPUs + 1),
LOAD_IDEAS (1000 ideas in the database before the run), LOAD_DRAIN_SECONDS (120),
LOAD_DATABASE_URL (postgres://postgres@127.0.0.1:5432/idelotsen_load),
LOAD_REDIS_URL (redis://127.0.0.1:6379/13).
"""

import contextlib
import json
import math
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from tests.bench.run import Server, database_recreate, free_port, say, stop_cleanly_on_signals

BASE_DIR = Path(__file__).resolve().parents[2]
RESULTS_PATH = BASE_DIR / "bench-results" / "load.json"
EMAIL_DOMAIN = "load.example.org"
# The demo's committee accounts (triage/demo/data.py); the simulated members take turns.
MEMBER_ACCOUNTS = ["ledamot1", "ledamot2", "ledamot3", "samordnare"]
SEARCH_WORDS = ["skola", "buss", "förening", "cykel", "bibliotek"]


@dataclass
class Config:
    seconds: float = float(os.environ.get("LOAD_SECONDS", "120"))
    residents: int = int(os.environ.get("LOAD_RESIDENTS", "100"))
    members: int = int(os.environ.get("LOAD_MEMBERS", "10"))
    spawn_rate: float = float(os.environ.get("LOAD_SPAWN_RATE", "10"))
    workers: int = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
    ideas: int = int(os.environ.get("LOAD_IDEAS", "1000"))
    drain_seconds: float = float(os.environ.get("LOAD_DRAIN_SECONDS", "120"))
    database_url: str = os.environ.get(
        "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/idelotsen_load"
    )
    redis_url: str = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")


def database_name_checked(url: str) -> str:
    """The database's name; refuse one not named for load tests (it is dropped)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or "load" not in name:
        raise SystemExit(
            f"LOAD_DATABASE_URL must be a PostgreSQL database with 'load' in its "
            f"name (it is dropped and made again), not {name!r}."
        )
    return name


def redis_db_checked(url: str) -> int:
    """The Redis database number; refuse a URL without one (that database is emptied)."""
    parts = urlsplit(url)
    number = parts.path.lstrip("/")
    if parts.scheme != "redis" or not number.isdigit() or int(number) == 0:
        raise SystemExit(
            f"LOAD_REDIS_URL must name a Redis database other than 0, e.g. "
            f"redis://127.0.0.1:6379/13 (it is emptied), not {url!r}."
        )
    return int(number)


def environment_prepare(config: Config, tmp: Path, web_port: int, smtp_port: int) -> None:
    """The variables portal.settings reads, for this process, gunicorn and the worker."""
    for name in ("EMAIL_FILE_PATH", "DJANGO_CSRF_TRUSTED_ORIGINS", "STAFF_2FA_REQUIRED"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": config.database_url,
            "CELERY_BROKER_URL": config.redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "BENCH_TMPDIR": str(tmp),  # tests.bench.settings puts static files there
            "MEDIA_ROOT": str(tmp / "media"),
            "SITE_URL": f"http://127.0.0.1:{web_port}",
            "LOG_LEVEL": "WARNING",
            # The sweep requeues a message whose task was lost; check for them often.
            "OUTBOX_SWEEP_INTERVAL_SECONDS": "15",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )


def database_prepare(config: Config) -> dict:
    """A fresh database with the demo data, bulk ideas and backup codes; the plan's data."""
    import django
    from django.conf import settings
    from django.core.management import call_command

    database_recreate(config.database_url, database_name_checked(config.database_url))
    django.setup()
    from django.shortcuts import resolve_url
    from django.urls import reverse

    from ideas.models import Idea, Municipality, Theme
    from ideas.workflow import Status
    from tests.bench.data import backup_codes_create, ideas_bulk_create
    from triage.demo.data import demo_data_load

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    demo_data_load(settings.DEMO_PASSWORD)
    ideas_bulk_create(config.ideas)
    say(
        f"  migrated, demo data and {Idea.objects.count()} ideas in "
        f"{time.perf_counter() - started:.1f} s"
    )
    codes_each = config.members + 5  # a member logs in again only after a failure
    accounts = [
        {"username": name, "backup_codes": codes}
        for name in MEMBER_ACCOUNTS
        if (codes := backup_codes_create(name, codes_each))
    ]
    if config.members and not accounts:
        raise SystemExit("No committee account of the demo data could be given backup codes.")
    filters = [f"status={value}" for value in Status.values]
    filters += [f"theme={pk}" for pk in Theme.objects.values_list("pk", flat=True)]
    filters += [f"municipality={pk}" for pk in Municipality.objects.values_list("pk", flat=True)]
    filters += [f"q={word}" for word in SEARCH_WORDS]
    filters += [
        "age=week",
        "age=ageing",
        "rural=true",
        "sort=waiting",
        "sort=-submitted",
        "page=2",
        "status=received&sort=title",
    ]
    try:
        statistics = reverse("triage:statistics")
    except Exception:  # noqa: BLE001 - the page of issue 7 may not exist yet
        statistics = ""
    return {
        "paths": {
            "form": reverse("ideas:submit"),
            "submitted": reverse("ideas:submitted"),
            "dashboard": reverse("triage:dashboard"),
            "statistics": statistics,
            "idea_prefix": reverse("triage:idea_detail", args=["IL-2000-0000"])[
                : -len("IL-2000-0000/")
            ],
        },
        "login": {"path": resolve_url(settings.LOGIN_URL), "password": settings.DEMO_PASSWORD},
        "accounts": accounts,
        "filters": filters,
        "references": list(
            Idea.objects.order_by("-created_at").values_list("reference", flat=True)[:200]
        ),
        "idea_count": Idea.objects.count(),
    }


def smtp_start():
    """The local SMTP server of tests/services: it keeps every mail it accepts."""
    import logging

    from aiosmtpd.controller import Controller

    from tests.services.conftest import RecordingHandler

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    controller = Controller(
        RecordingHandler(), hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=True
    )
    controller.start()
    return controller


def worker_start(config: Config, tmp: Path):
    """A real `celery -A portal worker` (tests/services), on the load test's Redis database."""
    from tests.services.conftest import Worker

    worker = Worker(
        broker=config.redis_url,
        env={"LOG_LEVEL": "INFO"},
        log=tmp / "worker.log",
        concurrency=2,
        beat=True,
    )
    try:
        worker.start(timeout=90)
    except BaseException as error:  # pytest.fail's exception is not an Exception
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        worker.kill()
        raise RuntimeError(
            f"the Celery worker did not start: {error}\n" + log_tail(tmp / "worker.log")
        ) from None
    return worker


def redis_purge(url: str) -> None:
    """Empty the load test's own Redis database (tests/services' purge), no other."""
    from tests.services.conftest import purge

    redis_db_checked(url)
    purge(url)


def log_tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no {path.name})"


def locust_run(config: Config, host: str, data: dict, tmp: Path) -> dict:
    plan = {
        "host": host,
        "seconds": config.seconds,
        "residents": config.residents,
        "members": config.members,
        "spawn_rate": config.spawn_rate,
        "email_domain": EMAIL_DOMAIN,
        **{key: data[key] for key in ("paths", "login", "accounts", "filters", "references")},
    }
    plan_path, results_path = tmp / "plan.json", tmp / "results.json"
    plan_path.write_text(json.dumps(plan))
    subprocess.run(
        [sys.executable, "-m", "tests.load.load", str(plan_path), str(results_path)],
        cwd=BASE_DIR,
        check=True,
        timeout=config.seconds + 180,
        stdin=subprocess.DEVNULL,
    )
    return json.loads(results_path.read_text())


def outbox_pending() -> int:
    from portal.outbox.models import Message, MessageState

    return Message.objects.filter(state__in=[MessageState.QUEUED, MessageState.SENDING]).count()


def outbox_drain(seconds: float) -> tuple[int, float]:
    """Wait until no message is queued or sending; (how many still are, seconds waited)."""
    started = time.monotonic()
    pending = outbox_pending()
    last_said = started
    while pending and time.monotonic() - started < seconds:
        time.sleep(1)
        pending = outbox_pending()
        if time.monotonic() - last_said >= 15:
            say(f"  {pending} messages still queued or sending")
            last_said = time.monotonic()
    return pending, time.monotonic() - started


@dataclass
class Stored:
    """What the database and the SMTP server hold after the run."""

    load_emails: list[str]  # the submitter emails of the load test's ideas, one per idea
    receipts_by_recipient: dict[str, int]  # mails the SMTP server accepted, per recipient
    pending: int  # outbox messages still queued or sending
    failed_messages: int
    other_mails: int  # mails to anyone but the load test's residents
    drain_seconds: float
    # Seconds from a receipt's outbox row to its delivery: median, p95 and max (None: no receipt).
    receipt_delay_s: dict[str, float | None] = field(default_factory=dict)


def stored_collect(handler, pending: int, drain_seconds: float) -> Stored:
    from ideas.models import Idea
    from portal.outbox.models import Message, MessageKind, MessageState

    emails = list(
        Idea.objects.filter(submitter_email__endswith=f"@{EMAIL_DOMAIN}").values_list(
            "submitter_email", flat=True
        )
    )
    counts: Counter = Counter()
    for mail in handler.mails():
        for recipient in mail.recipients:
            counts[recipient.lower()] += 1
    load_counts = {r: n for r, n in counts.items() if r.endswith(f"@{EMAIL_DOMAIN}")}
    delays = sorted(
        (sent - created).total_seconds()
        for created, sent in Message.objects.filter(
            kind=MessageKind.RECEIPT,
            recipient__endswith=f"@{EMAIL_DOMAIN}",
            state=MessageState.SENT,
        ).values_list("created_at", "sent_at")
    )
    return Stored(
        load_emails=emails,
        receipts_by_recipient=load_counts,
        pending=pending,
        failed_messages=Message.objects.filter(state=MessageState.FAILED).count(),
        other_mails=sum(counts.values()) - sum(load_counts.values()),
        drain_seconds=round(drain_seconds, 1),
        receipt_delay_s={
            "median": percentile(delays, 0.5),
            "p95": percentile(delays, 0.95),
            "max": round(delays[-1], 2) if delays else None,
        },
    )


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of sorted values."""
    if not values:
        return None
    return round(values[max(0, math.ceil(fraction * len(values)) - 1)], 2)


def checks_evaluate(
    results: dict, stored: Stored, *, residents: int, members: int, drain_limit: float
) -> list[dict]:
    """The issue's pass conditions, each {"check", "passed", "detail"}."""

    def check(name: str, passed: bool, detail: str) -> dict:
        return {"check": name, "passed": bool(passed), "detail": detail}

    submitted = [email.lower() for email in results["submitted"]]
    in_database = [email.lower() for email in stored.load_emails]
    counts = stored.receipts_by_recipient
    missing_ideas = sorted(set(submitted) - set(in_database))
    unexpected_ideas = sorted(set(in_database) - set(submitted))
    no_receipt = sorted(email for email in set(in_database) if counts.get(email, 0) == 0)
    duplicates = {email: n for email, n in counts.items() if n > 1}
    strangers = sorted(set(counts) - set(in_database))
    member_views = sum(
        row["requests"]
        for row in results["rows"]
        if row["name"].startswith(("dashboard", "idea page", "statistics"))
    )
    failures = results["total_failures"]
    first_error = results["errors"][0] if results["errors"] else None
    checks = [
        check(
            "no Locust failures",
            failures == 0 and not results["unfinished_rounds"],
            f"{failures} of {results['total_requests']} requests failed"
            + (
                f"; most often {first_error['method']} {first_error['name']}: "
                f"{first_error['error']}"
                if first_error
                else ""
            )
            + (
                f"; {results['unfinished_rounds']} rounds did not finish"
                if results["unfinished_rounds"]
                else ""
            ),
        ),
        check(
            "the residents submitted ideas",
            bool(submitted) or not residents,
            f"{len(submitted)} successful submissions of {results['posted']} sent",
        ),
        check(
            "the committee worked the dashboard",
            member_views > 0 or not members,
            f"{member_views} dashboard, idea and statistics pages",
        ),
        check(
            "every submission stored, and nothing else",
            len(in_database) == len(submitted) and not missing_ideas and not unexpected_ideas,
            f"{len(in_database)} ideas with a load address in the database for "
            f"{len(submitted)} successful submissions"
            + (f"; missing {len(missing_ideas)}, e.g. {missing_ideas[0]}" if missing_ideas else "")
            + (f"; {len(unexpected_ideas)} not answered as submitted" if unexpected_ideas else ""),
        ),
        check(
            "outbox drained",
            stored.pending == 0 and stored.failed_messages == 0,
            f"{stored.pending} messages still queued or sending after "
            f"{stored.drain_seconds:g} s (limit {drain_limit:g} s), "
            f"{stored.failed_messages} failed",
        ),
        check(
            "every receipt delivered",
            not no_receipt and not strangers,
            f"{len(in_database) - len(no_receipt)} of {len(in_database)} ideas' receipts "
            f"reached the SMTP server"
            + (f"; none for {len(no_receipt)}, e.g. {no_receipt[0]}" if no_receipt else "")
            + (f"; {len(strangers)} mails to addresses of no idea" if strangers else ""),
        ),
        check(
            "no receipt delivered twice",
            not duplicates,
            f"{len(duplicates)} recipients got more than one mail"
            + (
                f", e.g. {next(iter(duplicates))} ({next(iter(duplicates.values()))}×)"
                if duplicates
                else ""
            ),
        ),
    ]
    return checks


def number(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}".replace(",", " ")


# The table lists the residents' pages, then the committee's, then the login steps.
PAGE_ORDER = [
    "form page",
    "submission",
    "thank-you page",
    "dashboard",
    "dashboard (filtered)",
    "idea page",
    "statistics",
]


def page_order(row: dict) -> tuple[int, str, str]:
    name = row["name"]
    return (PAGE_ORDER.index(name) if name in PAGE_ORDER else len(PAGE_ORDER), name, row["method"])


def table_print(rows: list[dict]) -> None:
    say(
        f"{'page':<28} {'method':<6} {'requests':>8} {'failures':>8} {'median ms':>9} "
        f"{'p95 ms':>7} {'max ms':>7} {'req/s':>6}"
    )
    say("-" * 86)
    for row in sorted(rows, key=page_order):
        say(
            f"{row['name'][:28]:<28} {row['method']:<6} {row['requests']:>8} "
            f"{row['failures']:>8} {number(row['median_ms']):>9} {number(row['p95_ms']):>7} "
            f"{number(row['max_ms']):>7} {number(row['rps'], 1):>6}"
        )


def main() -> int:
    config = Config()
    database_name_checked(config.database_url)
    redis_db_checked(config.redis_url)
    tmp = Path(tempfile.mkdtemp(prefix="idelotsen-load-"))
    web_port = free_port()
    server = Server(web_port, config.workers, tmp / "gunicorn.log")
    controller = worker = None

    stop_cleanly_on_signals()
    try:
        started = time.perf_counter()
        controller = smtp_start()
        environment_prepare(config, tmp, web_port, controller.port)
        # Empty only the load test's Redis database, before the demo data queues its mail.
        redis_purge(config.redis_url)
        say(f"Preparing PostgreSQL database {database_name_checked(config.database_url)}")
        data = database_prepare(config)
        from django.db import connections

        connections.close_all()
        say(
            f"Starting the SMTP server on 127.0.0.1:{controller.port}, a Celery worker "
            f"(Redis db {redis_db_checked(config.redis_url)}) and gunicorn "
            f"({config.workers} sync workers on {server.url})"
        )
        worker = worker_start(config, tmp)
        server.start()
        say(
            f"Load: {config.residents} residents and {config.members} committee members for "
            f"{config.seconds:g} s (spawning {config.spawn_rate:g} users a second)"
        )
        results = locust_run(config, server.url, data, tmp)
        server_log = server.log_tail() if results["total_failures"] else ""
        server.stop()  # frees the CPU for the worker
        say(f"Waiting for the outbox to empty (at most {config.drain_seconds:g} s)")
        pending, waited = outbox_drain(config.drain_seconds)
        stored = stored_collect(controller.handler, pending, waited)
        checks = checks_evaluate(
            results,
            stored,
            residents=config.residents,
            members=config.members,
            drain_limit=config.drain_seconds,
        )
        connections.close_all()

        say()
        say(
            f"Idélotsen load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: PostgreSQL, Redis, "
            f"Celery worker (2 processes), gunicorn {config.workers} sync workers, "
            f"{data['idea_count']} ideas before the run, {os.cpu_count()} CPUs shared with "
            f"the load tool; {config.residents} residents and {config.members} committee "
            f"members for {results['seconds']:g} s"
        )
        say()
        table_print(results["rows"])
        receipts = sum(stored.receipts_by_recipient.values())
        say(
            f"{len(results['submitted'])} ideas submitted, {receipts} receipts delivered,"
            f" {stored.other_mails} other mails; waited {stored.drain_seconds:g} s for the "
            f"outbox after the run"
        )
        delay = stored.receipt_delay_s
        if delay.get("median") is not None:
            say(
                f"Receipt from the outbox to the SMTP server: median {delay['median']:.2f} s, "
                f"p95 {delay['p95']:.2f} s, max {delay['max']:.2f} s"
            )
        for error in results["errors"][:5]:
            say(
                f"  ! {error['occurrences']}× {error['method']} {error['name']}: "
                f"{error['error'][:160]}"
            )
        if server_log:
            say("\nLast lines of the gunicorn log:\n" + server_log)
        if stored.pending or stored.failed_messages:
            say("\nLast lines of the worker log:\n" + log_tail(tmp / "worker.log"))
        say()
        for item in checks:
            say(f"{'PASS' if item['passed'] else 'FAIL'}  {item['check']}: {item['detail']}")
        say(f"\nFinished in {time.perf_counter() - started:.0f} s.")

        report = {
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "setup": {
                "database": "postgresql",
                "ideas_before": data["idea_count"],
                "server": f"gunicorn {version('gunicorn')}, {config.workers} sync workers",
                "worker": f"celery {version('celery')}, concurrency 2",
                "load_tool": f"locust {version('locust')} (FastHttpUser)",
                "residents": config.residents,
                "members": config.members,
                "seconds": results["seconds"],
                "spawn_rate": config.spawn_rate,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "django": version("Django"),
            },
            "pages": sorted(results["rows"], key=page_order),
            "errors": results["errors"],
            "submissions": {
                "sent": results["posted"],
                "successful": len(results["submitted"]),
                "stored": len(stored.load_emails),
            },
            "mail": {
                k: v
                for k, v in asdict(stored).items()
                if k not in ("load_emails", "receipts_by_recipient")
            }
            | {"receipts": sum(stored.receipts_by_recipient.values())},
            "checks": checks,
        }
        RESULTS_PATH.parent.mkdir(exist_ok=True)
        RESULTS_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        say(f"Results written to {RESULTS_PATH.relative_to(BASE_DIR)}")
        return 0 if all(item["passed"] for item in checks) else 1
    except KeyboardInterrupt:
        say("\nInterrupted.")
        return 130
    finally:
        server.stop()
        if worker is not None:
            worker.kill()
        if controller is not None:
            controller.stop()
        with contextlib.suppress(Exception):  # Redis gone: nothing left to empty
            redis_purge(config.redis_url)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

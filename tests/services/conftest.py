"""Harness of the real-services tier: PostgreSQL, Redis, a `celery worker` process and SMTP.

Tests marked `services` run only when DATABASE_URL is PostgreSQL and CELERY_BROKER_URL is
Redis (`make test-services`); otherwise they are skipped with a plain reason. Each test module
gets a local SMTP server (aiosmtpd) and a real worker, started as a subprocess that reads the
pytest-django test database. Tests use committed transactions so the worker sees their rows.
"""

import asyncio
import contextlib
import email
import email.policy
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
WORKER_APPLICATION_NAME = "idelotsen-test-worker"  # in pg_stat_activity
SMTP_OK = "250 2.0.0 Message accepted for delivery"
SMTP_REPLIES = {451: "451 4.3.0 Try again later", 550: "550 5.1.1 No such mailbox"}


def services_missing() -> str:
    """Why the real services are not configured, or '' when they are."""
    database = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not database.startswith(("postgres://", "postgresql://")):
        return (
            "needs PostgreSQL and Redis: set DATABASE_URL=postgres://... and "
            "CELERY_BROKER_URL=redis://..., or run `make test-services`"
        )
    if not broker.startswith("redis://"):
        return (
            "needs a Redis broker: set CELERY_BROKER_URL=redis://..., or run `make test-services`"
        )
    return ""


def pytest_collection_modifyitems(config, items):
    reason = services_missing()
    if not reason:
        return
    for item in items:
        if item.get_closest_marker("services") is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, interval: float = 0.1, message: str = "") -> None:
    """Poll `condition` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(message or f"condition not met within {timeout} s")
        time.sleep(interval)


# --- SMTP -------------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    mail_from: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        return part.get_content() if part else ""


@dataclass
class RecordingHandler:
    """Keeps every accepted mail; can be told to answer the next deliveries with an error."""

    received: list[ReceivedMail] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    _replies: list[int] = field(default_factory=list)
    _always: int | None = None
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, code: int, *, times: int | None = None) -> None:
        """Answer the next `times` deliveries (or all, when None) with SMTP `code` (451, 550)."""
        with self.lock:
            if times is None:
                self._always = code
            else:
                self._replies.extend([code] * times)

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.refused.clear()
            self._replies.clear()
            self._always = None
            self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self.lock:
            code = self._replies.pop(0) if self._replies else self._always
            if code is not None:
                self.refused.append((code, message["Message-ID"]))
                return SMTP_REPLIES.get(code, f"{code} Refused")
            self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return SMTP_OK

    # Reading helpers for tests.
    def mails(self) -> list[ReceivedMail]:
        with self.lock:
            return list(self.received)

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def duplicates(self) -> dict[str, int]:
        """Message-IDs that arrived more than once, with how often."""
        counts = Counter(mail.message_id for mail in self.mails())
        return {message_id: n for message_id, n in counts.items() if n > 1}

    def wait_for(self, count: int, *, timeout: float = 30) -> list[ReceivedMail]:
        wait_until(
            lambda: self.count() >= count,
            timeout=timeout,
            message=f"expected {count} mails; got {self.count()}",
        )
        return self.mails()


@pytest.fixture(scope="module")
def smtp_server():
    """A local SMTP server for the module; the `smtp` fixture clears it for every test."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=True)
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp(smtp_server) -> RecordingHandler:
    smtp_server.handler.reset()
    yield smtp_server.handler
    smtp_server.handler.reset()


# --- Redis and the worker ---------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of the test's own, on a free port, that the test may stop and start."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_until(answers, timeout=10, message="the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "postgres")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


class Worker:
    """A `celery -A portal worker` subprocess on the test database, logging to a file."""

    def __init__(
        self,
        *,
        broker: str,
        env: dict[str, str],
        log: Path,
        concurrency: int = 1,
        beat: bool = False,
    ):
        self.broker = broker
        self.env = env
        self.log = log
        self.concurrency = concurrency
        self.beat = beat
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, *, timeout: float = 45) -> None:
        self.starts += 1
        name = f"h1-test-{os.getpid()}-{self.starts}@%h"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(self.concurrency),
            "--loglevel",
            "INFO",
            "--hostname",
            name,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if self.beat:
            command += ["--beat", "--schedule", str(self.log.with_suffix(".beat"))]
        start_at = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env, "CELERY_BROKER_URL": self.broker},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def ready() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}; see {self.log}")
            with self.log.open("rb") as log:
                log.seek(start_at)
                return b" ready." in log.read()

        wait_until(
            ready,
            timeout=timeout,
            interval=0.2,
            message=f"the worker did not become ready; see {self.log}",
        )

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as a crash would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None


def purge(broker: str) -> None:
    """Empty the test's own Redis database: no task of an earlier run may reach this worker."""
    import redis

    client = redis.Redis.from_url(broker, socket_connect_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()


# Short leases and sweeps so that crash and outage tests finish in seconds.
FAST_OUTBOX = {
    "OUTBOX_SENDING_LEASE_SECONDS": "4",
    "OUTBOX_SWEEP_AFTER_SECONDS": "5",
    "OUTBOX_SWEEP_INTERVAL_SECONDS": "1",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_RETRY_MAX_SECONDS": "4",
    "EMAIL_TIMEOUT": "5",
}


@pytest.fixture(scope="module")
def services_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("services")


@pytest.fixture(scope="module")
def worker_env(django_db_setup, django_db_blocker, smtp_server) -> dict[str, str]:
    """The environment of a worker: the test database, the SMTP server, fast outbox timings."""
    from django.db import connection

    # Named, so that wait_for_database_clients_to_leave knows the worker's sessions.
    worker_database = database_url(connection.settings_dict)
    worker_database += f"?application_name={WORKER_APPLICATION_NAME}"
    return {
        **FAST_OUTBOX,
        "DATABASE_URL": worker_database,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture(scope="module")
def worker(request, worker_env, services_dir, django_db_blocker):
    """A real worker with Celery beat inside (for the sweep) on CELERY_BROKER_URL, per module."""
    if services_missing():
        pytest.skip(services_missing())
    broker = os.environ["CELERY_BROKER_URL"]
    purge(broker)
    log = services_dir / f"worker-{request.module.__name__.rsplit('.', 1)[-1]}.log"
    process = Worker(broker=broker, env=worker_env, log=log, concurrency=1, beat=True)
    process.start()
    yield process
    process.kill()
    with django_db_blocker.unblock():
        wait_for_database_clients_to_leave()


def wait_for_database_clients_to_leave(timeout: float = 10) -> None:
    """Wait until killed workers' sessions are gone, so that the test database can be dropped.

    The connection this opens is closed again: with Playwright's event loop running (the
    browser tests' session fixture) Django keeps a connection per context, and one left open
    here is not the one pytest-django closes before it drops the test database.
    """
    from django.db import connection

    try:
        with connection.cursor() as cursor:

            def alone() -> bool:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND application_name = %s",
                    [WORKER_APPLICATION_NAME],
                )
                return cursor.fetchone()[0] == 0

            deadline = time.monotonic() + timeout
            while not alone() and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        connection.close()


@pytest.fixture
def private_redis(services_dir):
    """A redis-server of this test alone, which the test may stop and start again."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    directory = services_dir / f"redis-{free_port()}"
    directory.mkdir()
    server = PrivateRedis(directory)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_broker():
    """Point the Celery app of this test process (the web side) at another broker for a while."""
    conf = celery_app.conf
    original = conf.broker_url

    def use(url: str) -> None:
        # Kombu keeps one pool per broker URL; dropping the app's references is enough.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        conf.broker_url = url

    yield use
    use(original)

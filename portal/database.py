"""Database timeouts: a web request gives up quickly; background work may wait longer.

On PostgreSQL every connection starts with `statement_timeout` and `lock_timeout` (libpq's
`options`, so it costs no round trip). Web processes get short ones (DATABASE_STATEMENT_TIMEOUT,
DATABASE_LOCK_TIMEOUT), well under gunicorn's worker timeout, so that a long lock makes a
request fail with a friendly page instead of holding every worker until gunicorn kills them.
Celery workers (portal/celery.py) and `migrate` (portal/management/commands/migrate.py) switch
to the longer DATABASE_WORKER_* values before they connect.

Imported by the settings, so Django's database layer is imported only inside the functions.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

WEB = "web"
BACKGROUND = "background"
# SQLSTATE of a statement cancelled by statement_timeout, and of a lock not granted in time.
TIMEOUT_SQLSTATES = {"57014", "55P03"}
_current = {"profile": WEB}


def postgres_options(*, statement_seconds: int, lock_seconds: int, existing: str = "") -> str:
    """The libpq `options` that set both timeouts; other `-c` settings already given stay."""
    kept = [
        f"-c {part.strip()}"
        for part in existing.split("-c ")
        if part.strip() and not part.strip().startswith(("statement_timeout=", "lock_timeout="))
    ]
    return " ".join(
        [
            *kept,
            f"-c statement_timeout={statement_seconds * 1000}",
            f"-c lock_timeout={lock_seconds * 1000}",
        ]
    )


def use_timeouts(profile: str) -> str:
    """Give this process's new PostgreSQL connections the timeouts of `profile` (WEB or
    BACKGROUND) and close the open ones; returns the profile used before."""
    from django.db import connections

    previous = _current["profile"]
    statement_seconds, lock_seconds = settings.DATABASE_TIMEOUTS[profile]
    for alias, database in settings.DATABASES.items():
        if "postgresql" not in database["ENGINE"]:
            continue
        options = database.setdefault("OPTIONS", {})
        options["options"] = postgres_options(
            statement_seconds=statement_seconds,
            lock_seconds=lock_seconds,
            existing=options.get("options", ""),
        )
        connections[alias].close()
    _current["profile"] = profile
    return previous


@contextmanager
def timeouts(profile: str) -> Iterator[None]:
    """Run a block (a migration) with the timeouts of `profile`, then go back."""
    previous = use_timeouts(profile)
    try:
        yield
    finally:
        use_timeouts(previous)


def is_timeout(error: BaseException) -> bool:
    """Tell whether a database error is a statement or lock timeout (the database was busy)."""
    from django.db import DatabaseError

    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__ or error
    return getattr(cause, "pgcode", None) in TIMEOUT_SQLSTATES

"""The Celery application: `celery -A portal worker` and `celery -A portal beat`."""

import os
from typing import Any

from celery import Celery
from celery.signals import celeryd_init, task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
@worker_process_init.connect
def _background_database_timeouts(**_kwargs: Any) -> None:
    """A worker may wait longer for the database than a web request (portal/database.py)."""
    from portal.database import BACKGROUND, use_timeouts

    use_timeouts(BACKGROUND)


@task_prerun.connect
@task_postrun.connect
def _database_connection_checked(sender: Any = None, **_kwargs: Any) -> None:
    """Around each task, what Django does around each request: close the database connection
    only when it is broken (an error since the last commit) or older than CONN_MAX_AGE.

    With CELERY_DB_REUSE_MAX Celery's fixup no longer closes it around every task; this keeps
    a connection that a failed query or a restarted server left unusable from being reused.
    Tasks run in the caller's process (eager) are left alone: the caller owns the connection.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()

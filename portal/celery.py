"""The Celery application: `celery -A portal worker` and `celery -A portal beat`."""

import os
from typing import Any

from celery import Celery
from celery.signals import celeryd_init, worker_process_init

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

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "portal.outbox"
    label = "outbox"
    verbose_name = _("Outbox")

    def ready(self) -> None:
        # Register the tasks with Celery in every process: the services queue them by name.
        from portal.outbox import tasks  # noqa: F401

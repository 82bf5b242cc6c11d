from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Idélotsen"

    def ready(self) -> None:
        from portal import branding  # noqa: F401  (registers the colour's system check)

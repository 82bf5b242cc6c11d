from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        from ideas.form_cache import form_cache_bump
        from ideas.models import (
            CallForIdeas,
            FormQuestion,
            FormQuestionVersion,
            Municipality,
            SupportKind,
            Theme,
        )

        # Only to keep the cached empty form in step with the choices and questions it shows.
        for model in (
            Municipality,
            SupportKind,
            Theme,
            CallForIdeas,
            FormQuestion,
            FormQuestionVersion,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    form_cache_bump,
                    sender=model,
                    dispatch_uid=f"ideas.form_cache.{model.__name__}.{signal}",
                )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChasingConfig(AppConfig):
    name = "chasing"
    verbose_name = _("Chasing")

    def ready(self) -> None:
        # Tells people of what tasks, documents and reporting announce (their signals).
        from . import receivers  # noqa: F401

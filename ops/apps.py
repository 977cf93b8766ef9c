from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the product: the health check, heartbeats, logs, backups, the servers."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import jobs

        jobs.connect_celery_signals()

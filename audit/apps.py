from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from project.security import stamp_session

        from . import signals, triggers

        signals.connect()
        user_logged_in.connect(stamp_session, dispatch_uid="project.security.stamp_session")
        connection_created.connect(triggers.register_sqlite_function)
        # SQLite drops a table's triggers when a migration rebuilds the table: put them back.
        post_migrate.connect(triggers.ensure_triggers, sender=self)

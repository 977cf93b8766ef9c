from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Committees and agencies")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import calendar
        from .models import CalendarDay

        # The calendar caches the administrator's days; forget them when they change.
        def _forget(**kwargs: object) -> None:
            calendar.clear_cache()

        post_save.connect(
            _forget, sender=CalendarDay, weak=False, dispatch_uid="calendar_day_saved"
        )
        post_delete.connect(
            _forget, sender=CalendarDay, weak=False, dispatch_uid="calendar_day_deleted"
        )

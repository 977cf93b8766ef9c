from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """PDFs and spreadsheets made from the other apps' records; its one model, Export, is a long
    export made in the background (exports/background.py)."""

    name = "exports"
    verbose_name = _("Exports")

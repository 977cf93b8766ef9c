from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """PDFs and spreadsheets: no models, only the files made from the other apps' records."""

    name = "exports"
    verbose_name = _("Exports")

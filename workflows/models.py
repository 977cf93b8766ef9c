"""Process records of the flows: one per directive and per extension request.

Each process points at the domain object it routes (a concrete one-to-one, so a reader can
join from a directive to its process). The state of the work itself lives on the domain
object; a process only remembers where the routing stands.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class DirectiveProcess(Process):
    directive = models.OneToOneField(
        "documents.Directive",
        verbose_name=_("directive"),
        on_delete=models.PROTECT,
        related_name="process",
    )

    class Meta:
        verbose_name = _("directive workflow")
        verbose_name_plural = _("directive workflows")

    def __str__(self) -> str:
        return str(self.directive)


class ExtensionProcess(Process):
    extension = models.OneToOneField(
        "tasks.Extension",
        verbose_name=_("extension request"),
        on_delete=models.PROTECT,
        related_name="process",
    )

    class Meta:
        verbose_name = _("extension workflow")
        verbose_name_plural = _("extension workflows")

    def __str__(self) -> str:
        return str(self.extension)

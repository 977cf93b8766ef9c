"""Process records of the flows: one per directive, task and extension request.

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


class TaskProcess(Process):
    # Not named `task`: viewflow's Process already answers to that (its steps' reverse name).
    tracked_task = models.OneToOneField(
        "tasks.Task", verbose_name=_("task"), on_delete=models.PROTECT, related_name="process"
    )
    # The deadline instant an escalation was recorded for: a step re-entered after a returned
    # report, or a timer that fires twice, never records the same deadline twice.
    escalated_due_at = models.DateTimeField(_("escalated for deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("task workflow")
        verbose_name_plural = _("task workflows")

    def __str__(self) -> str:
        return str(self.tracked_task)


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

"""Celery in production: a long export's file is made by a worker (exports/background.py).
Delivered twice, it still runs once: run_export claims the export first."""

from celery import shared_task

from .background import CELERY_TASK, run_export


@shared_task(name=CELERY_TASK, ignore_result=True, acks_late=True)
def run(export_id: int) -> bool:
    return run_export(export_id)

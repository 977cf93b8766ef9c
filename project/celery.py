"""The Celery app for production; the embedded default runs `manage.py tick` instead."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("dondoc389")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Logs a machine can read: with DJANGO_LOG_FORMAT=json, every record is one JSON line.

Requests (`ops.requests`) and jobs (`ops.jobs`) carry their fields (status, duration, user,
task name…) in `extra={"fields": {...}}`; they become keys of the line. Imported by the
settings, so this module imports nothing from Django.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    """One line per record: time (UTC, ISO 8601), level, logger, message, the record's fields,
    and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(*, json: bool, level: str = "WARNING") -> dict:
    """The LOGGING setting: everything to stderr; requests and jobs at INFO, the rest at
    `level`."""
    formatter = (
        {"()": "ops.json_logging.JsonFormatter"}
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "ops.requests": {"level": "INFO"},
            "ops.jobs": {"level": "INFO"},
            # ops.requests says it all; runserver's own access line would say it twice.
            "django.server": {"level": "WARNING"},
            # Likewise for 4xx: django.request would add a warning (with a whole traceback for
            # each 403) to the line ops.requests writes; the audit trail records denials. Its
            # 5xx errors still come through with their traceback.
            "django.request": {"level": "ERROR"},
        },
    }

"""gunicorn in production, behind nginx (deploy/Procfile, docs/deploy.md).

Settings from the environment: GUNICORN_BIND (127.0.0.1:8001), WEB_CONCURRENCY (workers:
2 × cores + 1), GUNICORN_TIMEOUT (60 s).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # long PDF and spreadsheet exports
graceful_timeout = 30
max_requests, max_requests_jitter = 2000, 200  # recycle workers now and then
forwarded_allow_ips = "127.0.0.1"  # trust X-Forwarded-* from the local nginx only
control_socket_disable = True  # signals manage gunicorn here; no socket in $HOME to clash

# Django logs every request itself (ops.requests, one JSON line each): no second access log.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ops.json_logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

"""What /healthz checks: the database, the broker, a live worker, a recent tick."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat

WORKER_STALE = dt.timedelta(seconds=120)  # four missed heartbeats


def tick_stale() -> dt.timedelta:
    """Three missed ticks (and never less than three minutes)."""
    return dt.timedelta(seconds=max(3 * settings.TICK_INTERVAL_SECONDS, 180))


@dataclass
class Check:
    ok: bool
    detail: str


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return Check(False, f"{exc.__class__.__name__}: {exc}")
    return Check(True, connection.vendor)


def broker() -> Check:
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return Check(True, "embedded (no broker)")
    try:
        # The project's Celery app (project/celery.py, started by project/__init__.py).
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return Check(False, f"{exc.__class__.__name__}: {exc}")
    return Check(True, url.split("://", 1)[0])


def _age(at: dt.datetime, now: dt.datetime) -> str:
    return f"{int((now - at).total_seconds())} s ago"


def worker(now: dt.datetime) -> Check:
    beats = list(Heartbeat.objects.filter(name__startswith="worker:").order_by("-at"))
    alive = [b for b in beats if now - b.at <= WORKER_STALE]
    if alive:
        return Check(True, f"{len(alive)} alive, last {_age(alive[0].at, now)}")
    if beats:
        return Check(False, f"no heartbeat since {_age(beats[0].at, now)}")
    return Check(False, "no worker has started")


def tick(now: dt.datetime) -> Check:
    last = Heartbeat.objects.filter(name="tick").first()
    if last is None:
        return Check(False, "the periodic jobs have not run yet")
    return Check(now - last.at <= tick_stale(), f"last {_age(last.at, now)}")


def run_checks() -> dict[str, dict]:
    now = timezone.now()
    checks = {"database": database(), "broker": broker()}
    if checks["database"].ok:
        checks["worker"], checks["tick"] = worker(now), tick(now)
    else:
        checks["worker"] = checks["tick"] = Check(False, "unknown: no database")
    return {name: asdict(check) for name, check in checks.items()}

"""/healthz: the database, the broker, a live worker and a recent tick, for the operator."""

import datetime as dt
import logging

import pytest
import time_machine
from django.utils import timezone

from chasing.runner import run_tick_once
from ops.jobs import beat

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_before_any_worker_or_tick_it_answers_503_and_says_why(client):
    status, body = health(client)
    assert status == 503 and body["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "detail": "embedded (no broker)"}
    assert body["checks"]["worker"] == {"ok": False, "detail": "no worker has started"}
    assert body["checks"]["tick"]["detail"] == "the periodic jobs have not run yet"


def test_a_tick_and_a_worker_heartbeat_make_it_healthy(client, caplog):
    beat("worker:embedded")
    with caplog.at_level(logging.INFO, logger="ops.jobs"):
        assert run_tick_once() is True
    status, body = health(client)
    assert status == 200, body
    assert body["checks"]["worker"]["detail"].startswith("1 alive")
    # one line per periodic job, then one for the whole tick
    jobs = [r.fields["job"] for r in caplog.records if r.name == "ops.jobs"]
    assert jobs[-1] == "tasks.tick" and "tick.reminders" in jobs


def test_a_silent_worker_and_an_old_tick_turn_it_red(client):
    beat("worker:host-1")
    beat("tick")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        status, body = health(client)
    assert status == 503
    assert body["checks"]["worker"]["detail"].startswith("no heartbeat since 600 s ago")
    assert body["checks"]["tick"] == {"ok": False, "detail": "last 600 s ago"}


def test_a_broker_that_does_not_answer_turns_it_red(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    beat("worker:host-1")
    beat("tick")
    status, body = health(client)
    assert status == 503
    assert body["checks"]["broker"]["ok"] is False


def test_it_is_not_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]

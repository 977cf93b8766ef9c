"""Production logs: one JSON line per request, per job, per error."""

import json
import logging

import pytest

from ops.jobs import log_job
from ops.json_logging import JsonFormatter


def formatted(caplog, logger: str) -> list[dict]:
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == logger]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_status_duration_and_user(client, officer, caplog):
    client.force_login(officer)
    with caplog.at_level(logging.INFO, logger="ops.requests"):
        client.get("/accounts/login/")
        client.get("/no-such-page/")
    first, second = formatted(caplog, "ops.requests")
    assert first["event"] == "request" and first["method"] == "GET"
    assert (first["path"], first["user_id"]) == ("/accounts/login/", officer.pk)
    assert second["status"] == 404 and second["duration_ms"] >= 0
    assert first["level"] == "INFO" and first["time"].endswith("+00:00")


def test_a_failed_job_is_an_error_line_with_its_traceback(caplog):
    with caplog.at_level(logging.INFO, logger="ops.jobs"):
        log_job("tasks.tick", ok=True, duration_ms=12.5)
        try:
            raise RuntimeError("no database")
        except RuntimeError:
            logging.getLogger("ops.jobs").exception("tick failed")
    ok, failed = formatted(caplog, "ops.jobs")
    assert ok == {**ok, "job": "tasks.tick", "ok": True, "duration_ms": 12.5, "event": "job"}
    assert failed["level"] == "ERROR" and "RuntimeError: no database" in failed["exception"]
    assert "\n" not in JsonFormatter().format(caplog.records[-1])  # one line, whatever happens


@pytest.mark.django_db
def test_a_refused_or_missing_page_is_one_line_not_a_traceback(client, officer, caplog):
    client.force_login(officer)
    with caplog.at_level(logging.INFO, logger="ops.requests"):
        refused = client.get("/dashboard/")
        missing = client.get("/no-such-page/")
    assert (refused.status_code, missing.status_code) == (403, 404)
    assert [r.levelname for r in caplog.records if r.name == "django.request"] == []
    assert [line["status"] for line in formatted(caplog, "ops.requests")] == [403, 404]

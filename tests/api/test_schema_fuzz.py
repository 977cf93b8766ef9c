"""The API keeps the promises of its own OpenAPI schema (issue 12), checked by schemathesis.

The schema is loaded from the running WSGI app at /api/schema/ (signed in, as users see it).
For every operation, a bounded, derandomised set of generated requests is sent as real users
authenticated by their DRF token: a standing-office user and an agency officer whose agency
leads a dispatched task. Path ids are sometimes the real task (or its lead agency) so the
actions run, not only the 404. Every answer must be below 500 and have a status the schema
documents for that operation.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

EXAMPLES_PER_OPERATION = 15
CHECKS = [not_a_server_error, status_code_conformance]


@pytest.fixture
def fuzz_settings(settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["*"]
    # Throttling (a documented 429) would only make later examples meaningless. The views read
    # their throttle classes once, at import: let every request through for this test only,
    # rather than overriding REST_FRAMEWORK (which leaves DRF's cached settings changed).
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    # Requests go through the real WSGI handler, whose request signals close the database
    # connection; the test's transaction must survive them (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield settings
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def load_schema(token):
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        get_wsgi_application(),
        headers={"Authorization": f"Token {token}"},
    )


def operations(schema):
    found = []
    for result in schema.get_all_operations():
        found.append(result.ok())
    return found


def fuzz(operation, token, real_ids):
    headers = {"Authorization": f"Token {token}"}

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), data=st.data())
    def run(case, data):
        for name in list(case.path_parameters or {}):
            if name in real_ids and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = real_ids[name]
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


@pytest.mark.parametrize("who", ["secretariat", "officer"])
def test_every_operation_keeps_the_schema_promises(who, request, fuzz_settings, make_task):
    task = make_task(deadline=None)
    user = request.getfixturevalue(who)
    token = Token.objects.create(user=user).key
    schema = load_schema(token)
    ops = operations(schema)
    assert len(ops) >= 10, [op.label for op in ops]
    real_ids = {"id": str(task.pk), "agency_code": task.assignments.first().agency.code}
    for operation in ops:
        fuzz(operation, token, real_ids)


def test_an_id_too_big_for_the_database_is_refused_not_a_500(make_task, officer):
    """Found by this run: a contribution id past 64 bits reached the query and gave a 500."""
    client = APIClient()
    client.force_authenticate(officer)
    task = make_task(deadline=None)
    response = client.post(
        f"/api/tasks/{task.pk}/report/", {"text": "Xong", "contributions": [2**70]}, format="json"
    )
    assert response.status_code == 400

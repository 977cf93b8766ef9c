"""The OpenAPI schema documents every status the API answers: besides each operation's own
answers (fuzzed by tests/api/test_schema_fuzz.py), the ones any client can provoke — an Accept
header the API cannot satisfy (406), a body type it cannot read (415), no sign-in (401/403) —
are each sent to every operation and must be in that operation's documented responses."""

import json
import re

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def schema(client, officer):
    client.force_login(officer)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def concrete(path, task):
    values = {"id": str(task.pk), "agency_code": "KG-CA"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], "1"), path)


def test_every_odd_request_gets_a_documented_status(schema, make_task, officer):
    task = make_task()
    signed_in = APIClient()
    signed_in.force_authenticate(officer)
    anonymous = APIClient()
    seen = set()
    for path, method, operation in operations(schema):
        documented = set(operation["responses"])
        url = concrete(path, task)
        answers = {
            "xml wanted": getattr(signed_in, method)(url, HTTP_ACCEPT="application/xml"),
            "not signed in": getattr(anonymous, method)(url),
        }
        if method in WRITES:
            answers["text body"] = getattr(signed_in, method)(
                url, data="text=Xong", content_type="text/plain"
            )
        for what, response in answers.items():
            code = str(response.status_code)
            seen.add((what, code))
            assert response.status_code < 500, (method, url, what)
            assert code in documented, f"{method.upper()} {path}: {what} → {code} undocumented"
    # the odd requests were refused for what they are, not by chance
    assert ("xml wanted", "406") in seen
    assert ("text body", "415") in seen
    assert ("not signed in", "401") in seen or ("not signed in", "403") in seen

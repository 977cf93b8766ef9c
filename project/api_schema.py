"""The OpenAPI schema says every status the API answers, not only 200.

A drf-spectacular post-processing hook (settings.SPECTACULAR_SETTINGS): every operation may
answer 401/403 (not signed in, no access) and 429 (throttled); an operation on one object may
answer 404; an action (POST/PUT/PATCH/DELETE) may answer 400 (refused: the message says why),
403 (not allowed to do this), 404 and 409 (someone else acted first). A list with query filters
answers 400 to a filter value it cannot read, and a paginated list 404 to a page past the end
(found by the schemathesis run, tests/api/test_schema_fuzz.py). The body is always
`{"detail": "…"}`, in the user's language. Every operation answers 406 to an Accept header
it cannot satisfy, and every action 415 to a body type it cannot read (DRF's content
negotiation and parsers; tests/security/test_api_statuses.py sends both).
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
DESCRIPTIONS = {
    "400": "The request was refused; `detail` says why.",
    "401": "Not signed in (session or token).",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or not visible to this user.",
    "409": "Someone else acted on this first; reload and try again.",
    "406": "The Accept header asks for a format the API does not give (it gives JSON).",
    "415": "The body is in a format the API does not read (send JSON or a form).",
    "429": "Too many requests; try again later.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def statuses_for(method: str, path: str, query: frozenset[str] = frozenset()) -> list[str]:
    codes = ["401", "403", "406", "429"]
    on_one_object = "{" in path
    if on_one_object or "page" in query:  # DRF's paginator: a page past the end is a 404
        codes.append("404")
    if method in WRITE_METHODS:
        codes += ["400", "409", "415"]
    elif query - {"page"}:  # django-filter: a filter value it cannot read is a 400
        codes.append("400")
    return codes


def document_error_statuses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            query = frozenset(
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if isinstance(parameter, dict) and parameter.get("in") == "query"
            )
            for code in statuses_for(method, path, query):
                operation["responses"].setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result

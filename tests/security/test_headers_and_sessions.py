"""Security headers, private caching of signed-in pages and downloads, short sessions, the API
schema behind login and documenting every status, and `check --deploy` clean in production."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from project.security import LAST_SEEN_KEY, LOGIN_AT_KEY

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_csp_permissions_and_referrer_policies(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "unsafe-eval" not in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'self'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_and_downloads_are_not_stored(client, secretariat, make_task):
    make_task()
    client.force_login(secretariat)
    page = client.get(reverse("audit:access"))
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    download = client.get(reverse("exports:spreadsheet", args=["tasks"]))
    assert "no-store" in download["Cache-Control"]


def test_no_page_uses_an_inline_script():
    """CSP allows scripts from this site only: our templates keep scripts in static files."""
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        if "<script>" in text or '<script type="text/javascript">' in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert not offenders, offenders


def test_an_idle_session_is_logged_out(client, officer, settings):
    client.force_login(officer)
    assert client.get(reverse("audit:access")).status_code == 403  # signed in, no access
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("audit:access"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    from audit.models import AccessEvent

    assert AccessEvent.objects.filter(kind="logout", detail="session timed out").exists()


def test_a_session_ends_after_the_maximum_age_however_busy(client, officer, settings):
    client.force_login(officer)
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - settings.SESSION_MAX_HOURS * 3600 - 5
    session[LAST_SEEN_KEY] = time.time()
    session.save()
    assert client.get(reverse("audit:access")).status_code == 302


def test_sessions_are_short(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_IDLE_MINUTES <= 60


def test_the_api_schema_needs_login_and_documents_error_statuses(client, officer):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(officer)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    import json

    schema = json.loads(response.content)
    approve = schema["paths"]["/api/extensions/{id}/approve/"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(approve)
    acknowledge = schema["paths"]["/api/tasks/{id}/acknowledge/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "429"} <= set(acknowledge)
    listing = schema["paths"]["/api/tasks/"]["get"]["responses"]
    assert {"200", "401", "403"} <= set(listing) and "409" not in listing


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 30 + "-production-secret-" + "y" * 20,
        "DJANGO_SECURE_COOKIES": "true",
        "DJANGO_SSL_REDIRECT": "true",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
        "DJANGO_HSTS_PRELOAD": "true",
        "DJANGO_ALLOWED_HOSTS": "dondoc389.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    # Django's deployment checks are the "security" tag (the others need a migrated database).
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"]
        + ["--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

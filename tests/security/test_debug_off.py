"""DEBUG is off unless asked for: a 500 shows no settings, database URL or traceback, and a 404
does not list the URLconf. (`make run` serves with DEBUG off: tests/ops/test_run.py.)"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import include, path

from project import faults

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("something broke with secret-ish details")


urlpatterns = [path("boom/", boom), path("", include("project.urls"))]


def test_debug_is_off_when_nothing_asks_for_it():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "project.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.urls(__name__)
def test_a_500_shows_no_settings_and_no_traceback(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    for leak in (
        "DATABASES",
        "SECRET_KEY",
        "Traceback",
        "secret-ish",
        "boom",
        "sqlite",
        "postgres",
    ):
        assert leak not in page, leak


def test_a_404_does_not_list_the_urlconf(client, officer):
    client.force_login(officer)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "URLconf" not in page and "urlpatterns" not in page and "admin/" not in page


@pytest.mark.parametrize("debug", [False, True])
def test_a_fault_tests_pause_point_holds_nothing_with_debug_off(settings, monkeypatch, debug):
    """The tick's pause points (project/faults.py) are named by DONDOC_PAUSE_AT, but a server
    with DEBUG off (every production one) never stops at one, whatever its environment says."""
    held = []
    monkeypatch.setattr(faults.time, "sleep", held.append)
    monkeypatch.setenv(faults.PAUSE_VARIABLE, "before_mail")
    settings.DEBUG = debug
    faults.pause_point("before_mail")
    faults.pause_point("elsewhere")
    assert held == ([faults.PAUSE_SECONDS] if debug else [])

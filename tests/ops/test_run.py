"""`manage.py run` (what `make run` starts): waitress, DEBUG off, the periodic jobs beside it,
one JSON line per request; and the secret key a new machine makes for itself."""

import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from ops.secret_key import load_or_create_secret_key

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def server(tmp_path):
    """`manage.py run` on a free port, on a database of its own, as `make run` prepares it."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_DEBUG", None)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp_path / "server.log").open("w+")
    process = subprocess.Popen(
        [*manage, "run", "--port", str(port), "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(Path(log.name).read_text())
        yield base, Path(log.name)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_make_run_serves_the_login_page_with_waitress_and_debug_off(server):
    base, log = server
    status, headers, login = get(base + "/accounts/login/")
    assert status == 200 and 'name="password"' in login
    assert headers["Server"] == "dondoc389"  # waitress's ident
    status, _, body = get(base + "/no-such-page/")
    assert status == 404 and "DEBUG = True" not in body
    status, _, _ = get(base + "/static/admin/css/base.css")
    assert status == 200  # the collected static files are served without DEBUG
    # The page links its style sheet by a hashed name, served compressed and cached for a year.
    css = re.search(r'href="(/static/dondoc/css/dondoc\.[0-9a-f]{12}\.css)"', login).group(1)
    request = urllib.request.Request(base + css, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=315360000" in response.headers["Cache-Control"]
    request = urllib.request.Request(base + "/accounts/login/", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["Content-Encoding"] == "gzip"  # the HTML too

    deadline = time.monotonic() + 20  # the first tick runs 5 s after the start
    while True:
        status, _, body = get(base + "/healthz")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 200, body

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    assert {"path": "/accounts/login/", "status": 200} in [
        {"path": r["path"], "status": r["status"]} for r in requests
    ]
    assert any(line.get("event") == "job" and line["job"] == "tasks.tick" for line in lines)


def test_a_new_machine_makes_its_secret_key_once_and_keeps_it_private(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = load_or_create_secret_key(path)
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret_key(path) == key
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind

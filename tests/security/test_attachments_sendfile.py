"""Uploaded files leave only through views that check permission. In production the view answers
with X-Accel-Redirect (nginx) or X-Sendfile, and the web server sends the bytes from a location
no browser can ask for; the media folder itself is never public."""

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chasing.urging import issue_urging_letter
from documents.actions import register_directive
from reporting import services as reporting
from reporting.models import ReportSubmission
from tasks import actions
from tasks.deadlines import VIETNAM
from tests.factories import (
    AgencyFactory,
    CommitteeFactory,
    ReportingObligationFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 bao cao ket qua\n%%EOF\n"


@pytest.fixture
def outsider():
    """Someone of another committee: may see nothing of this one."""
    other = CommitteeFactory(code="bcd389-ag")
    return UserFactory(
        username="canbo.ag", role="agency_officer", committee=other, agency=AgencyFactory()
    )


@pytest.fixture
def task_file(make_task, secretariat):
    task = make_task()
    event = actions.comment_on_task(
        task,
        by=secretariat,
        text="Gửi kèm báo cáo",
        files=[SimpleUploadedFile("Báo cáo kết quả.pdf", PDF, content_type="application/pdf")],
    )
    attachment = event.attachments.get()
    return reverse("work:task_file", args=[attachment.pk]), attachment


@pytest.fixture
def directive_file(committee, secretariat):
    directive = register_directive(
        committee,
        by=secretariat,
        number="12/TB-VPUBND",
        subject="Kết luận số 12",
        issued_on=dt.date(2024, 3, 1),
        files=[SimpleUploadedFile("Thông báo 12.pdf", PDF, content_type="application/pdf")],
    )
    attachment = directive.attachments.get()
    return reverse("directives:file", args=[attachment.pk]), attachment


@pytest.fixture
def report_file(committee, police, officer):
    obligation = ReportingObligationFactory(committee=committee, starts_on=dt.date(2024, 1, 1))
    obligation.members.add(police)
    with time_machine.travel(dt.datetime(2024, 3, 1, 8, tzinfo=VIETNAM), tick=False):
        reporting.create_due_submissions()
        submission = ReportSubmission.objects.filter(agency=police).earliest("period__index")
        reporting.submit_periodic_report(
            submission,
            by=officer,
            narrative="Tháng 2",
            figures=FIGURES,
            files=[SimpleUploadedFile("Báo cáo tháng.pdf", PDF, content_type="application/pdf")],
        )
    attachment = submission.attachments.get()
    return reverse("reporting:file", args=[attachment.pk]), attachment


@pytest.fixture
def urging_letter(make_task, committee, police, secretariat):
    """An issued urging letter: a generated PDF, kept in storage like an upload."""
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM), tick=False):
        make_task(deadline=dt.date(2020, 11, 30))
    with time_machine.travel(dt.datetime(2021, 1, 15, 9, tzinfo=VIETNAM), tick=False):
        letter = issue_urging_letter(committee, police, by=secretariat)
    return reverse("exports:urging_letter_pdf", args=[letter.pk]), letter.pdf


FIGURES = dict.fromkeys(
    ["cases_detected", "admin_cases", "goods_value", "budget_collected", "criminal_cases"]
    + ["defendants"],
    0,
)
FILES = ["task_file", "directive_file", "report_file"]


@pytest.mark.parametrize("which", FILES)
def test_nginx_sends_the_file_after_django_checked_who_may_read_it(
    request, client, settings, secretariat, outsider, which
):
    settings.SENDFILE_BACKEND = "nginx"
    url, attachment = request.getfixturevalue(which)
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200, which
    # the name in storage, percent-encoded (nginx decodes it); Vietnamese names included
    assert response["X-Accel-Redirect"] == quote(f"/protected-media/{attachment.file.name}")
    assert response.content == b""  # nginx sends the bytes
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    # someone who may not see it gets a 404, and no redirect for nginx to follow
    client.force_login(outsider)
    refused = client.get(url)
    assert refused.status_code == 404 and not refused.has_header("X-Accel-Redirect")
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and not anonymous.has_header("X-Accel-Redirect")


def test_an_urging_letter_goes_through_nginx_too(
    client, settings, secretariat, outsider, urging_letter
):
    settings.SENDFILE_BACKEND = "nginx"
    url, pdf = urging_letter
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == quote(f"/protected-media/{pdf.name}")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")  # previewed in a frame
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_x_sendfile_names_the_absolute_path(client, settings, secretariat, task_file):
    settings.SENDFILE_BACKEND = "xsendfile"
    url, attachment = task_file
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    sent = response["X-Sendfile"].encode("latin-1")  # the bytes on the wire
    assert sent == attachment.file.path.encode()
    assert Path(sent.decode()).read_bytes() == PDF


def test_without_a_front_server_django_streams_the_file(client, secretariat, task_file):
    url, _ = task_file
    client.force_login(secretariat)
    response = client.get(url)
    assert not response.has_header("X-Accel-Redirect")
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("backend", ["django", "nginx", "xsendfile"])
def test_a_file_missing_from_storage_is_a_404_not_a_500(
    client, settings, secretariat, task_file, backend
):
    settings.SENDFILE_BACKEND = backend
    url, attachment = task_file
    Path(attachment.file.path).unlink()
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect") and not response.has_header("X-Sendfile")


@pytest.mark.parametrize("which", FILES)
def test_the_media_folder_is_not_served(request, client, secretariat, which):
    _, attachment = request.getfixturevalue(which)
    client.force_login(secretariat)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(f"/protected-media/{attachment.file.name}").status_code == 404


def rendered_site(**env) -> str:
    return subprocess.run(
        [str(ROOT / "deploy" / "render-nginx"), "--site"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def location(config: str, prefix: str) -> str:
    match = re.search(r"location " + re.escape(prefix) + r" \{(.*?)\n    \}", config, re.S)
    assert match, f"no location {prefix}"
    return match.group(1)


def test_nginx_serves_uploads_only_from_an_internal_location(tmp_path):
    config = rendered_site(DJANGO_MEDIA_ROOT=str(tmp_path / "media"))
    protected = location(config, "/protected-media/")
    assert re.search(r"^\s*internal;", protected, re.M)
    assert f"alias {tmp_path / 'media'}/;" in protected
    # the security headers nginx drops after X-Accel-Redirect are set again
    assert "X-Content-Type-Options nosniff" in protected
    assert "Content-Security-Policy" in protected
    # the media folder itself: a 404, never its files
    assert "return 404;" in location(config, "/media/")
    # the media folder is aliased nowhere else
    assert config.count(str(tmp_path / "media")) == 1


def test_production_web_process_uses_nginx_and_the_backend_is_checked():
    procfile = (ROOT / "deploy" / "Procfile").read_text()
    assert "SENDFILE_BACKEND=${SENDFILE_BACKEND:-nginx} gunicorn" in procfile
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**os.environ, "SENDFILE_BACKEND": "apache", "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "SENDFILE_BACKEND must be django, nginx or xsendfile" in result.stderr


# ---- through a real nginx, in front of Django's live server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    """nginx with deploy/nginx-site.conf, proxying to the live server (CI installs nginx)."""
    if shutil.which("nginx") is None:
        if os.environ.get("CI"):
            raise pytest.UsageError("CI must install nginx (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx-light to run this test)")
    settings.SENDFILE_BACKEND = "nginx"
    port = free_port()
    state = tmp_path / "nginx"
    state.mkdir()
    config = subprocess.run(
        [str(ROOT / "deploy" / "render-nginx")],
        env={
            "PATH": "/usr/bin:/bin",
            "NGINX_LISTEN": f"127.0.0.1:{port}",
            "GUNICORN_BIND": live_server.url.removeprefix("http://"),
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
            "NGINX_STATE_DIR": str(state),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if os.geteuid() == 0:  # as root nginx's workers would be `nobody`, who cannot read tmp_path
        config = "user root;\n" + config
    (state / "nginx.conf").write_text(config)
    server = subprocess.Popen(
        ["nginx", "-c", str(state / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except urllib.error.HTTPError:
            break  # nginx answers (whatever Django says)
        except OSError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)


def fetch(url: str, session: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url)
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_through_nginx_the_file_comes_only_after_the_check(
    nginx, client, secretariat, outsider, task_file
):
    url, attachment = task_file
    client.force_login(secretariat)
    status, headers, body = fetch(nginx + url, client.cookies["sessionid"].value)
    assert status == 200
    assert body == PDF
    assert "X-Accel-Redirect" not in headers  # nginx acted on it, the browser never sees it
    assert headers["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''B%C3%A1o" in headers["Content-Disposition"]
    assert "no-store" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    # another committee's officer, and nobody: no file
    client.force_login(outsider)
    status, headers, body = fetch(nginx + url, client.cookies["sessionid"].value)
    assert status == 404 and PDF not in body
    status, headers, body = fetch(nginx + url)
    assert status == 302 and PDF not in body
    # the file's own path, in the internal location or the media folder: never served
    for path in (
        quote(f"/protected-media/{attachment.file.name}"),
        quote(f"/media/{attachment.file.name}"),
    ):
        status, _, body = fetch(nginx + path, client.cookies["sessionid"].value)
        assert status == 404 and PDF not in body, path

"""The page frame every screen shares: light (no unused script, scripts deferred, no inline style
block, HTML compressed) and usable without a mouse or a screen (skip link, names, headings)."""

import gzip
import re

import pytest

from chasing.models import Notification, NotificationKind

pytestmark = [pytest.mark.django_db, pytest.mark.vietnamese]


def test_a_page_loads_no_unused_script_and_defers_the_others(client, officer):
    client.force_login(officer)
    html = client.get("/work/").content.decode()
    assert "vis-network" not in html  # 400 KB for process graphs no page draws
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(" defer" in tag for tag in scripts), scripts
    assert "<style" not in html  # the frame's style is one cached file, dondoc.css
    assert "roboto-fontface.css" not in html and "material-icons.css" not in html


def test_pages_are_sent_compressed_to_browsers_that_take_gzip(client, officer):
    client.force_login(officer)
    response = client.get("/work/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(response.content)


def test_the_frame_offers_a_skip_link_and_names_its_buttons_in_vietnamese(client, officer):
    client.force_login(officer)
    html = client.get("/work/").content.decode()
    assert re.search(r'<a class="dd-skip" href="#main">Bỏ qua menu, đến nội dung chính</a>', html)
    assert 'id="main"' in html
    assert 'aria-label="Menu điều hướng"' in html  # was "Open navigation menu"
    assert 'aria-label="Menu tài khoản" aria-expanded="false"' in html  # was "arrow_drop_down"
    assert 'aria-label="Thông báo"' in html


def test_the_bell_says_how_many_notifications_are_unread(client, officer):
    for n in range(3):
        Notification.objects.create(
            recipient=officer,
            kind=NotificationKind.URGED,
            object_key=f"task:{n}",
            period="2026-01-01",
            title="Đôn đốc",
        )
    client.force_login(officer)
    html = client.get("/work/").content.decode()
    assert 'aria-label="3 thông báo chưa đọc"' in html


def test_login_has_a_heading_and_help_texts_that_exist(client):
    html = client.get("/accounts/login/").content.decode()
    assert re.search(r"<h1[^>]*>Đôn đốc 389</h1>", html)
    for target in re.findall(r'aria-describedby="([^"]+)"', html):
        for ref in target.split():
            assert f'id="{ref}"' in html, ref


def test_the_dashboard_has_a_heading(client, chair):
    client.force_login(chair)
    html = client.get("/dashboard/").content.decode()
    assert re.search(r'<h1 class="dd-page__title">Tổng quan', html)

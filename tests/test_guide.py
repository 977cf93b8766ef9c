"""The user guide (docs/huong-dan/): a page per role, reached from the menu, rendered safely."""

import re

import pytest
from django.urls import reverse

from project import guide


@pytest.fixture
def office(client, secretariat):
    client.force_login(secretariat)
    return client


def test_the_menu_links_the_guide_and_it_opens_on_the_role_s_page(office):
    home = office.get(reverse("directives:index")).content.decode()
    assert f'href="{reverse("guide:index")}" data-help' in home
    index = office.get(reverse("guide:index")).content.decode()
    assert reverse("guide:page", args=["van-phong-thuong-truc"]) in index


@pytest.mark.parametrize("page", guide.PAGES, ids=lambda p: p.slug)
def test_every_role_has_a_page_with_its_screenshots(office, page):
    response = office.get(reverse("guide:page", args=[page.slug]))
    html = response.content.decode()
    assert response.status_code == 200 and f'data-guide="{page.slug}"' in html
    images = re.findall(r'<img src="([^"]+)"', html)
    assert images, "each page shows the screens it describes"
    for src in images:
        assert src.startswith("/huong-dan/img/"), src
        shot = office.get(src)
        assert shot.status_code == 200 and shot["Content-Type"] == "image/png"


def test_raw_html_in_a_page_is_shown_as_text(tmp_path, monkeypatch, office):
    (tmp_path / "van-phong-thuong-truc.md").write_text(
        "# Tiêu đề\n\n<script>alert(1)</script> [x](javascript:alert(1)) ![a](../../x.png)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(guide, "GUIDE_DIR", tmp_path)
    html = office.get(reverse("guide:page", args=["van-phong-thuong-truc"])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert "../../x.png" not in html


def test_unknown_pages_and_image_names_are_404(office):
    assert office.get("/huong-dan/khong-co/").status_code == 404
    assert office.get("/huong-dan/img/..%2Fvan-phong-thuong-truc.md").status_code == 404
    assert office.get("/huong-dan/img/khong-co.png").status_code == 404


def test_the_guide_needs_a_login(client):
    assert client.get(reverse("guide:index")).status_code == 302

"""Every page has the product's frame: a tab title naming the page, and the menu."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/notifications/", "/reporting/", "/directives/", "/work/"])
def test_the_tab_names_the_page_and_the_product(client, secretariat, path):
    client.force_login(secretariat)
    response = client.get(path)
    assert response.status_code == 200
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1].strip()
    assert title.endswith("· Đôn đốc 389") and title != "· Đôn đốc 389", title


@pytest.mark.parametrize(
    "path", ["/notifications/", "/reporting/", "/egov/import/", "/egov/letters/", "/huong-dan/"]
)
def test_pages_outside_the_viewflow_site_have_the_menu(client, secretariat, path):
    """Without the menu a page opened from a link has no way back but the browser's."""
    client.force_login(secretariat)
    page = client.get(path).content.decode()
    assert "mdc-top-app-bar__navigation-icon" in page, path
    assert 'href="/directives/' in page, path  # a menu entry, not only the toggle

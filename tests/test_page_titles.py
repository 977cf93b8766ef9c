"""Every page's browser tab says what it is and that it is Đôn đốc 389."""

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

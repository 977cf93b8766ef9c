"""The directory pages: agencies, committees and users of one's own committee."""

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, CommitteeFactory, MembershipFactory, UserFactory


def test_lists_show_only_the_own_committee(client, committee, secretariat, police):
    elsewhere = CommitteeFactory(code="bcd389-ag", name="Ban Chỉ đạo 389 tỉnh An Giang")
    MembershipFactory(
        committee=elsewhere, agency=AgencyFactory(code="AG-CA", name="Công an tỉnh An Giang")
    )
    UserFactory(username="vp.ag", full_name="Trần Thị An Giang", committee=elsewhere)
    client.force_login(secretariat)
    agencies = client.get(reverse("directory:agencies")).content.decode()
    assert "Công an tỉnh Kiên Giang" in agencies and "An Giang" not in agencies
    assert "Trần Thị An Giang" not in client.get(reverse("directory:users")).content.decode()
    assert "tỉnh An Giang" not in client.get(reverse("directory:committees")).content.decode()


def test_agency_search(client, secretariat, police, border_guard):
    client.force_login(secretariat)
    page = client.get(reverse("directory:agencies"), {"q": "biên phòng"}).content.decode()
    assert "Biên phòng" in page and "Công an tỉnh Kiên Giang" not in page


def test_agency_staff_cannot_open_the_directory(client, officer):
    client.force_login(officer)
    assert client.get(reverse("directory:users")).status_code == 403


@pytest.mark.parametrize("rows", [10, 200])
def test_directory_query_count_is_bounded(
    client, committee, secretariat, django_assert_max_num_queries, rows
):
    for i in range(rows):
        agency = AgencyFactory(code=f"KG-X{i:03d}")
        MembershipFactory(committee=committee, agency=agency)
        UserFactory(username=f"cb{i}", role="agency_officer", committee=committee, agency=agency)
    client.force_login(secretariat)
    for name in ("directory:agencies", "directory:users", "directory:committees"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name)).status_code == 200

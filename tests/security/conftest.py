import pytest

from tests.factories import UserFactory

PASSWORD = "Mat-khau-dung-389"


@pytest.fixture
def with_password():
    def make(user):
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def admin_user(committee):
    return UserFactory(username="quantri", role="admin", committee=None, is_staff=True)

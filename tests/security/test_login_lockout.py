"""Brute force: a username + address pair is locked after LOGIN_FAILURE_LIMIT wrong passwords,
with a clear message; the lockout and its end are in the access log; /api/ takes no passwords."""

import base64

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from audit.models import AccessEvent, AccessEventKind

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="198.51.100.7", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def test_wrong_passwords_lock_the_user_at_that_address(client, officer, with_password, settings):
    with_password(officer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "canbo.ca", "sai").status_code == 200  # the form again
    locked = attempt(client, "canbo.ca", "sai")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # now even the right password is refused, from that address…
    again = attempt(client, "canbo.ca", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    # …but the same person in another office (another address) still gets in
    other = attempt(client, "canbo.ca", PASSWORD, address="203.0.113.50")
    assert other.status_code == 302


@pytest.mark.vietnamese
def test_the_lockout_message_is_in_vietnamese(client, officer, with_password, settings):
    with_password(officer)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, "canbo.ca", "sai")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in page
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} phút" in page


def test_spraying_other_users_from_one_address_locks_each_pair(client, committee, settings):
    from tests.factories import UserFactory

    users = [UserFactory(username=f"nguoi{n}", committee=committee) for n in range(3)]
    for user in users:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, user.username, "sai")
    assert AccessEvent.objects.filter(kind=AccessEventKind.LOCKED_OUT).count() == 3
    assert attempt(client, "nguoi0", "sai").status_code == 429


def test_failures_lockout_and_unlock_are_in_the_access_log(
    client, officer, with_password, settings
):
    with_password(officer)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "canbo.ca", "sai")
    failed = AccessEvent.objects.filter(kind=AccessEventKind.LOGIN_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    first = failed.first()
    assert first.user == officer and first.committee == officer.committee
    assert first.ip_address == "198.51.100.7" and first.path == reverse("login")
    lock = AccessEvent.objects.get(kind=AccessEventKind.LOCKED_OUT)
    assert lock.username == "canbo.ca" and lock.ip_address == "198.51.100.7"
    # the administrator lifts it (axes_reset_username, or deleting the attempt in the admin)
    call_command("axes_reset_username", "canbo.ca")
    unlock = AccessEvent.objects.get(kind=AccessEventKind.UNLOCKED)
    assert unlock.username == "canbo.ca"
    assert attempt(client, "canbo.ca", PASSWORD).status_code == 302
    assert AccessEvent.objects.filter(kind=AccessEventKind.LOGIN, user=officer).exists()


def test_a_good_login_forgets_earlier_failures(client, officer, with_password, settings):
    with_password(officer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "canbo.ca", "sai")
    assert attempt(client, "canbo.ca", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert not AccessEvent.objects.filter(kind=AccessEventKind.UNLOCKED).exists()


def test_behind_a_proxy_the_forwarded_address_counts(client, officer, with_password, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.CLIENT_IP_PROXY_COUNT = 1
    with_password(officer)
    proxy = "10.0.0.1"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # the client forges a first entry; the proxy appends the address it saw
        attempt(
            client, "canbo.ca", "sai", address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
        )
    assert AccessEvent.objects.filter(ip_address="198.51.100.9").count() >= 5
    # a colleague behind the same proxy, from another machine, is not locked out
    ok = attempt(client, "canbo.ca", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert ok.status_code == 302


def test_the_api_refuses_basic_authentication(client, officer, with_password):
    with_password(officer)
    credentials = base64.b64encode(f"canbo.ca:{PASSWORD}".encode()).decode()
    response = client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code in (401, 403)
    assert AccessEvent.objects.filter(kind=AccessEventKind.DENIED, path="/api/tasks/").exists()


def test_the_api_takes_a_personal_token_and_a_session(client, officer):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=officer)
    assert client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert client.get("/api/tasks/", HTTP_AUTHORIZATION="Token wrong").status_code == 401
    client.force_login(officer)
    assert client.get("/api/tasks/").status_code == 200


def test_the_api_is_throttled(client, officer, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    assert "rest_framework.throttling.UserRateThrottle" in str(
        api_settings.DEFAULT_THROTTLE_CLASSES
    )
    client.force_login(officer)
    UserRateThrottle.THROTTLE_RATES = {**UserRateThrottle.THROTTLE_RATES, "user": "3/minute"}
    try:
        codes = [client.get("/api/tasks/").status_code for _ in range(4)]
    finally:
        UserRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [200, 200, 200, 429]

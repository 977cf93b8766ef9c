"""The administrator uploads the committee's signing certificates and the trusted roots; the
password is checked by opening the file, and kept only encrypted, if at all."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import ChangeEvent
from egov.models import SigningCredential, TrustedRoot
from tests.factories import UserFactory

from .pki import make_authority


@pytest.fixture
def admin_client(client, committee):
    root = UserFactory(
        username="root", role="admin", committee=None, is_staff=True, is_superuser=True
    )
    client.force_login(root)
    return client


def _credential_form(committee, p12: bytes, password: str, **extra) -> dict:
    return {
        "committee": committee.pk,
        "kind": "personal",
        "label": "Chữ ký Trưởng ban",
        "holder_name": "Nguyễn Đức Chín",
        "holder_position": "Trưởng ban",
        "active": "on",
        "pkcs12_file": SimpleUploadedFile("truong-ban.p12", p12),
        "password": password,
        **extra,
    }


def test_the_admin_uploads_a_certificate_and_its_password_is_kept_encrypted(
    admin_client, committee
):
    ca = make_authority()
    p12 = ca.issue_pkcs12("Nguyễn Đức Chín", "UBND tỉnh Kiên Giang", "bi-mat-389")
    response = admin_client.post(
        reverse("admin:egov_signingcredential_add"),
        _credential_form(committee, p12, "bi-mat-389", keep_password="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    credential = SigningCredential.objects.get()
    assert "Nguyễn Đức Chín" in credential.subject
    assert bytes(credential.pkcs12) == p12
    assert credential.password_stored and b"bi-mat-389" not in bytes(credential.password_token)
    event = ChangeEvent.objects.latest("id")
    assert "bi-mat-389" not in str(event.__dict__)  # the audit trail never holds the password


def test_a_wrong_password_is_said_on_the_form_and_nothing_is_kept(admin_client, committee):
    p12 = make_authority().issue_pkcs12("A", "B", "dung")
    response = admin_client.post(
        reverse("admin:egov_signingcredential_add"), _credential_form(committee, p12, "sai")
    )
    assert response.status_code == 200
    assert "cannot be opened with this password" in response.content.decode()
    assert not SigningCredential.objects.exists()


def test_the_admin_adds_a_trusted_root(admin_client):
    ca = make_authority()
    response = admin_client.post(
        reverse("admin:egov_trustedroot_add"),
        {"name": "CA thử nghiệm", "certificate_file": SimpleUploadedFile("ca.pem", ca.pem)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    root = TrustedRoot.objects.get()
    assert bytes(root.certificate) == ca.der
    assert len(root.fingerprint) == 64
    response = admin_client.post(
        reverse("admin:egov_trustedroot_add"),
        {"name": "rác", "certificate_file": SimpleUploadedFile("x.cer", b"not a certificate")},
    )
    assert "This is not an X.509 certificate" in response.content.decode()

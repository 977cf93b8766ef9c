"""nginx (deploy/nginx-site.conf) serves the collected static files itself: files named by their
content's hash cached for a year and immutable, the .gz copy collectstatic wrote beside each to
a browser that takes gzip, the few plain names for a day."""

import gzip
import urllib.request

import pytest

from tests.security.test_attachments_sendfile import nginx  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

CSS = b"body { color: #222; }\n" * 200


def get(url: str, encoding: str = "") -> tuple[dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(response.headers), response.read()


def test_hashed_static_files_are_cached_a_year_and_sent_compressed(nginx, tmp_path):  # noqa: F811
    static = tmp_path / "static"
    (static / "dondoc" / "css").mkdir(parents=True)
    hashed = static / "dondoc" / "css" / "dondoc.0123456789ab.css"
    hashed.write_bytes(CSS)
    hashed.with_name(hashed.name + ".gz").write_bytes(gzip.compress(CSS))
    (static / "robots.txt").write_bytes(b"User-agent: *\n")

    headers, body = get(nginx + "/static/dondoc/css/dondoc.0123456789ab.css", "gzip")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == CSS
    headers, body = get(nginx + "/static/dondoc/css/dondoc.0123456789ab.css")
    assert body == CSS and "Content-Encoding" not in headers
    headers, _ = get(nginx + "/static/robots.txt")
    assert headers["Cache-Control"] == "public, max-age=86400"

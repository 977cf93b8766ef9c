"""One language: the main pages of each role, crawled in Vietnamese over the demo data (with a
day's reminders and escalations sent), show no English the catalogue knows and no text of the
kinds the issue found (issue 15).

A text node fails when it is
- exactly an English msgid of our catalogue whose Vietnamese differs (or is missing), or
- the English template of such a msgid with its placeholders filled in ("Month 12/2026",
  "Long overdue (478 working days): …"), or
- one of the English phrases a reviewer met ("working days", "Choose Files", "→" between two
  raw state codes).
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from agencies.models import Committee, User
from chasing.reminders import send_escalations, send_reminders
from fixtures.demo import load_demo
from reporting import services as reporting
from reporting.models import FIGURE_FIELDS, ReportSubmission
from tests.factories import ReportingObligationFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=VN)
ROLES = ["kg.vanphong", "kg.truongban", "kg.ca.canbo", "kg.ca.lanhdao"]
PAGES_PER_ROLE = 45
# Not pages: files, downloads, the language switch, sign-out, the admin, the API.
SKIP = re.compile(
    r"/(pdf|xlsx|files?|urging/letters|i18n|accounts/logout|admin|api|static|media)/|"
    r"\.(pdf|xlsx|docx|png|css|js)$"
)
ENGLISH_PHRASES = re.compile(
    r"\bworking days?\b|\bChoose Files?\b|\bNo file chosen\b|\bLong overdue\b|\bis due on\b|"
    r"\bMonth \d|\bQuarter [IV]+/|\bPeriodic report returned\b|\b[a-z_]+ → [a-z_]+\b"
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[-0-9.]*[sdfi]|%[sd]")


# ---- the catalogue


def _po_entries(path: Path):
    """(msgid, msgid_plural, [msgstr…]) of a .po file; a tiny reader, enough for ours."""
    entry: dict[str, list[str]] = {}
    key = None

    def flush():
        if "msgid" in entry:
            yield (
                "".join(entry["msgid"]),
                "".join(entry.get("msgid_plural", [])),
                ["".join(v) for k, v in sorted(entry.items()) if k.startswith("msgstr")],
            )

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            yield from flush()
            entry, key = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key:
                entry[key].append(ast.literal_eval(line))
        else:
            key, _, rest = line.partition(" ")
            if key == "msgid" and "msgid" in entry:  # no blank line between two entries
                yield from flush()
                entry = {}
            entry[key] = [ast.literal_eval(rest)]
    yield from flush()


def english_catalogue() -> tuple[set[str], list[re.Pattern]]:
    """The English msgids that must not show on a Vietnamese page, as exact texts and as
    patterns (msgids with placeholders)."""
    exact: set[str] = set()
    patterns: list[re.Pattern] = []
    for path in (Path(settings.BASE_DIR) / "locale").glob("*/LC_MESSAGES/django.po"):
        for msgid, plural, msgstrs in _po_entries(path):
            for english in filter(None, [msgid, plural]):
                if not re.search(r"[A-Za-z]{3}", english) or not english.isascii():
                    continue  # a Vietnamese msgid, a symbol, a code
                if msgstrs and any(s == english for s in msgstrs):
                    continue  # the same in both languages on purpose (PDF, Excel, …)
                if PLACEHOLDER.search(english):
                    words = PLACEHOLDER.sub("\0", english)
                    if len(words.replace("\0", "").split()) < 2:
                        continue  # too little English to recognise ("%(count)s ×")
                    parts = [re.escape(part) for part in words.split("\0")]
                    patterns.append(re.compile("^" + ".+?".join(parts) + "$", re.S))
                elif len(english.split()) >= 2 or len(english) >= 6:
                    exact.add(english.strip())
    return exact, patterns


# ---- pages


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._skipped: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # An icon's ligature ("notifications") is a glyph's name, not words.
        if tag in ("script", "style", "template") or "material-icons" in (attrs.get("class") or ""):
            self._skip += 1
            self._skipped.append(tag)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._skipped and self._skipped[-1] == tag:
            self._skipped.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def _pattern_of(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client: Client, start: list[str], limit: int) -> dict[str, list[str]]:
    """Breadth-first over the site's own links, one page per URL shape; text nodes per page."""
    seen_shapes: set[str] = set()
    queue = deque(start)
    pages: dict[str, list[str]] = {}
    while queue and len(pages) < limit:
        url = urldefrag(queue.popleft())[0]
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        shape = _pattern_of(parts.path) + ("?" + parts.query.split("=")[0] if parts.query else "")
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        pages[url] = [" ".join(text.split()) for text in parser.texts]
        queue.extend(parser.links)
    return pages


def leaks(pages: dict[str, list[str]], exact: set[str], patterns: list[re.Pattern]) -> list[str]:
    found = []
    for url, texts in pages.items():
        for text in texts:
            bare = text.strip(" :·–-•›‹()[]*")
            if bare in exact or text in exact:
                found.append(f"{url}: {text!r} (untranslated msgid)")
            elif ENGLISH_PHRASES.search(text):
                found.append(f"{url}: {text!r} (English)")
            elif any(p.match(bare) for p in patterns):
                found.append(f"{url}: {text!r} (untranslated message)")
    return sorted(set(found))


# ---- the data


def _periodic_reports() -> None:
    """A monthly report for the Kiên Giang committee: Công an's sent and returned, so the
    reporting pages have a period label, figures, a history and a notice to show."""
    committee = Committee.objects.get(code="bcd389-kg")
    ReportingObligationFactory(
        committee=committee, name="Báo cáo tháng", frequency="month", starts_on=dt.date(2026, 1, 1)
    )
    reporting.create_due_submissions(NOW)
    submission = (
        ReportSubmission.objects.filter(agency__code="KG-CA").order_by("-period__ends_on").first()
    )
    figures = dict.fromkeys(FIGURE_FIELDS, 7) | {"goods_value": 1_250_000_000}
    reporting.submit_periodic_report(
        submission, by=User.objects.get(username="kg.ca.canbo"), figures=figures
    )
    reporting.return_periodic_report(
        submission, by=User.objects.get(username="kg.vanphong"), reason="Thiếu phụ lục"
    )


@pytest.fixture(scope="module")
def demo_day(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module, and the day's chasing done (reminders, overdue
    notices, escalations), so the bell has messages of every kind."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with time_machine.travel(NOW, tick=False), django_db_blocker.unblock(), fast:
        with transaction.atomic():
            load_demo()
            _periodic_reports()
            send_reminders(NOW)
            send_escalations(NOW)
            yield
            transaction.set_rollback(True)


@pytest.mark.vietnamese
@pytest.mark.parametrize("username", ROLES)
def test_a_vietnamese_page_shows_no_english(demo_day, db, username):
    exact, patterns = english_catalogue()
    assert len(exact) > 500 and len(patterns) > 100  # the catalogue was read
    client = Client()
    client.force_login(User.objects.get(username=username))
    with time_machine.travel(NOW, tick=False):
        pages = crawl(client, ["/", "/notifications/", "/reporting/"], PAGES_PER_ROLE)
    assert len(pages) >= 8, sorted(pages)
    found = leaks(pages, exact, patterns)
    assert found == [], "\n".join(found)

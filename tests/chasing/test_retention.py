"""Notifications' retention: read ones past NOTIFICATION_RETENTION_DAYS are archived (compressed
JSON lines, one file a day) and then deleted, by the daily tick; unread ones stay."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.retention import read_archive
from chasing import tick
from chasing.models import Notification
from chasing.retention import archive_notifications
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 7, 6, 9, tzinfo=VN)  # a Monday


def notice(user, created, *, read=True, **fields):
    values = {
        "recipient": user,
        "kind": "reminder",
        "object_key": "daily",
        "period": created.date().isoformat(),
        "title": f"Nhắc hạn ngày {created:%d/%m/%Y}",
        "sections": [{"group": "overdue", "count": 1, "items": [], "more_url": "/work/"}],
        "created_at": created,
        "read_at": created + dt.timedelta(hours=2) if read else None,
    }
    return Notification.objects.create(**{**values, **fields})


@pytest.fixture
def archive(settings, tmp_path):
    settings.NOTIFICATION_RETENTION_DAYS = 180
    settings.NOTIFICATION_ARCHIVE_DIR = tmp_path / "notification-archive"
    return settings.NOTIFICATION_ARCHIVE_DIR


@pytest.fixture
def person(db, committee, police):
    return UserFactory(
        username="lanhdao.ca", role="agency_head", committee=committee, agency=police
    )


def test_read_notifications_past_the_limit_are_archived_then_deleted(archive, person):
    old = dt.datetime(2025, 12, 1, 8, tzinfo=VN)  # 217 days before NOW
    read_old = [notice(person, old), notice(person, old + dt.timedelta(days=1))]
    unread_old = notice(person, old, read=False, object_key="other")
    recent = notice(person, NOW - dt.timedelta(days=30))
    result = archive_notifications(NOW)
    assert str(result) == "2 notifications archived"
    assert set(Notification.objects.all()) == {unread_old, recent}  # unread: kept, however old
    [first] = read_archive(archive / "notifications-2025-12-01.jsonl.gz")
    assert first["id"] == read_old[0].pk
    assert first["title"] == "Nhắc hạn ngày 01/12/2025"
    assert first["sections"][0]["group"] == "overdue"
    assert first["created_at"] == "2025-12-01T01:00:00+00:00"
    assert first["read_at"] == "2025-12-01T03:00:00+00:00"
    assert len(read_archive(archive / "notifications-2025-12-02.jsonl.gz")) == 1
    assert archive_notifications(NOW).archived == 0


def test_one_read_later_joins_its_days_file(archive, person):
    old = dt.datetime(2025, 12, 1, 8, tzinfo=VN)
    first = notice(person, old)
    late = notice(person, old, read=False, object_key="other")
    archive_notifications(NOW)
    Notification.objects.filter(pk=late.pk).update(read_at=NOW)
    assert archive_notifications(NOW).archived == 1
    rows = read_archive(archive / "notifications-2025-12-01.jsonl.gz")
    assert sorted(row["id"] for row in rows) == [first.pk, late.pk]
    assert not Notification.objects.exists()


def test_a_read_digest_goes_and_its_unread_items_stay(archive, person):
    old = dt.datetime(2025, 12, 1, 8, tzinfo=VN)
    digest = notice(person, old, kind="digest", object_key="digest")
    item = notice(person, old, read=False, digest=digest)
    assert archive_notifications(NOW).archived == 1
    item.refresh_from_db()
    assert item.digest is None


def test_zero_days_keeps_everything(archive, person, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 0
    notice(person, dt.datetime(2020, 1, 6, 8, tzinfo=VN))
    assert archive_notifications(NOW).archived == 0
    assert Notification.objects.count() == 1


def test_the_tick_archives_once_a_day(archive, person):
    notice(person, dt.datetime(2025, 12, 1, 8, tzinfo=VN))
    with time_machine.travel(NOW, tick=False):
        assert tick.notification_archive(NOW) == "1 notifications archived"
        notice(person, dt.datetime(2025, 12, 3, 8, tzinfo=VN))
        later = NOW + dt.timedelta(minutes=1)
        assert tick.notification_archive(later) == "0 notifications archived"  # done today
    tomorrow = NOW + dt.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        assert tick.notification_archive(tomorrow) == "1 notifications archived"

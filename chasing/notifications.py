"""Notifications: claimed once, shown in the app, e-mailed after the claim commits.

`notify()` is the one way to send. It inserts every message with INSERT … ON CONFLICT DO
NOTHING against the unique (recipient, kind, object, period) constraint, so two ticks racing,
or a tick catching up after downtime, never send the same message twice; the run that won a row
writes its e-mail to the outbox (chasing/outbox.py) in the same transaction, and the outbox
sends it once the transaction has committed, retrying until the mail server takes it. People
who chose the daily digest get their messages in the app at once and by e-mail once a day, in
one message.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from agencies.calendar import is_working_day
from agencies.models import User
from chasing.outbox import Email, enqueue, send_after_commit
from project.db import insert_ignoring_conflicts
from tasks.deadlines import VIETNAM, today_in_vietnam, vn_date

from .models import Notification, NotificationKind

DIGEST_LOOKBACK = dt.timedelta(days=7)  # a digest never reaches back further than this
EMAIL_BATCH = 5000  # notifications per e-mail job, and per UPDATE (bounded IN lists)
DIGEST_TITLE = ngettext_lazy(
    "Daily digest for %(date)s: %(count)s item",
    "Daily digest for %(date)s: %(count)s items",
    "count",
)
DIGEST_INTRO = _("What is due and overdue for you today:")
EMAIL_FOOTER = _("Đôn đốc 389 – this message was sent automatically; please do not reply.")


class Text:
    """Words to be written in the recipient's language when the message is sent: a (lazy)
    template and its parameters, put together only when turned into a string (notify() does
    that under each recipient's language). Parameters may be lazy too (a state's label)."""

    def __init__(self, template: Any, params: Mapping[str, Any] | None = None) -> None:
        self.template = template
        self.params = dict(params or {})

    def with_params(self, **more: Any) -> Text:
        return Text(self.template, {**self.params, **more})

    @staticmethod
    def listing(head: Any, items: Iterable[Any]) -> Text:
        """A line, then one "- item" line per item (each rendered in the same language)."""
        return Text(_Listing(head, tuple(items)))

    def __str__(self) -> str:
        if not self.params:
            return str(self.template)
        params = {
            key: value if isinstance(value, int | float) else str(value)
            for key, value in self.params.items()
        }
        return str(self.template % params)

    def __repr__(self) -> str:
        return f"Text({self.template!r}, {self.params!r})"


@dataclass(frozen=True)
class _Listing:
    head: Any
    items: tuple[Any, ...]

    def __str__(self) -> str:
        return "\n".join([str(self.head), *[f"- {item}" for item in self.items]])


@dataclass(frozen=True)
class Message:
    """A message to claim and send; `period` says which occurrence it is (a date, a stage)."""

    recipient_id: int
    kind: str
    object_key: str
    period: str
    title: str | Text
    body: str | Text = ""
    url: str = ""
    task_id: int | None = None
    submission_id: int | None = None
    due_at: dt.datetime | None = None
    sections: tuple[dict, ...] = ()  # a day's notice: its groups of items (chasing/reminders.py)

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.recipient_id, self.kind, self.object_key, self.period)


def notify(messages: Iterable[Message], *, now: dt.datetime | None = None) -> list[Notification]:
    """Claim each message once; return the rows this call won. Their e-mails go after commit."""
    unique = {m.key: m for m in messages}
    if not unique:
        return []
    now = now or timezone.now()
    token = uuid.uuid4()
    recipients: dict[int, bool] = {}
    emails: dict[int, str] = {}
    languages: dict[int, str] = {}
    for pk, digest_only, email, language in User.objects.filter(
        pk__in={m.recipient_id for m in unique.values()}
    ).values_list("pk", "digest_only", "email", "language"):
        recipients[pk] = digest_only
        languages[pk] = language or settings.LANGUAGE_CODE
        if email:
            emails[pk] = email
    rows = []
    # A fixed order: two runs inserting the same keys lock them in the same order, so they
    # wait for each other instead of deadlocking.
    for _key, m in sorted(unique.items()):
        if m.recipient_id not in recipients:
            continue
        # Written in the recipient's language, whoever (or whatever) sends it.
        with translation.override(languages[m.recipient_id]):
            title, body = str(m.title)[:255], str(m.body)
        rows.append(
            Notification(
                recipient_id=m.recipient_id,
                kind=m.kind,
                object_key=m.object_key,
                period=m.period,
                title=title,
                body=body,
                url=m.url[:255],
                task_id=m.task_id,
                submission_id=m.submission_id,
                due_at=m.due_at,
                sections=list(m.sections),
                created_at=now,
                claim=token,
                email_wanted=m.recipient_id in emails
                and (m.kind == NotificationKind.DIGEST or not recipients[m.recipient_id]),
            )
        )
    with transaction.atomic():
        # One short statement repeated, bound on the server on PostgreSQL: the first tick at
        # 1M tasks writes 7,400 notices (bulk_create's multi-row VALUES took ~5 of its ~7 s).
        insert_ignoring_conflicts(Notification, rows)
        won = list(Notification.objects.filter(claim=token).order_by("pk"))
        to_email = [n for n in won if n.email_wanted]
        for start in range(0, len(to_email), EMAIL_BATCH):
            batch = to_email[start : start + EMAIL_BATCH]
            send_after_commit(enqueue(_emails_for(batch, emails, languages)))
    return won


def _emails_for(
    notifications: list[Notification], addresses: dict[int, str], languages: dict[int, str]
) -> list[Email]:
    """One e-mail per person, listing all of their notifications, in their language."""
    by_recipient: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        by_recipient[notification.recipient_id].append(notification)
    site = settings.SITE_URL.rstrip("/")
    emails = []
    for recipient_id, theirs in by_recipient.items():
        with translation.override(languages.get(recipient_id, settings.LANGUAGE_CODE)):
            subject, body = _email_for(theirs, site)
        emails.append(
            Email(
                to=addresses[recipient_id],
                subject=subject,
                body=body,
                notification_ids=tuple(n.pk for n in theirs),
            )
        )
    return emails


def _email_for(notifications: list[Notification], site: str) -> tuple[str, str]:
    """Subject and body: one notification as it is; several, as one list (no flood of mail)."""

    def link(n: Notification) -> list[str]:
        return [f"{site}{n.url}"] if n.url else []

    if len(notifications) == 1:
        only = notifications[0]
        # A notice without words of its own (a task list sent with no note) opens on its link.
        opening = [only.body] if only.body else []
        return only.title, "\n".join([*opening, *link(only), "", "--", str(EMAIL_FOOTER)])
    subject = ngettext(
        "Đôn đốc 389: %(count)s new notification",
        "Đôn đốc 389: %(count)s new notifications",
        len(notifications),
    ) % {"count": len(notifications)}
    lines = []
    for n in notifications:
        lines += [f"- {n.title}", *[f"  {url}" for url in link(n)]]
    return subject, "\n".join([*lines, "", "--", str(EMAIL_FOOTER)])


# ---- the daily digest


def is_digest_time(now: dt.datetime) -> bool:
    """Digests go out on working days from DIGEST_HOUR (Vietnam time)."""
    local = now.astimezone(VIETNAM)
    return is_working_day(local.date()) and local.hour >= settings.DIGEST_HOUR


def send_digests(now: dt.datetime | None = None) -> int:
    """One e-mail a day per digest-only person, listing the messages not yet e-mailed to them.

    Runs on working days from DIGEST_HOUR; the digest row (kind digest, period = today) is
    the claim, so a person gets at most one digest a day.
    """
    now = now or timezone.now()
    if not is_digest_time(now):
        return 0
    today = today_in_vietnam(now)
    already = Notification.objects.filter(
        kind=NotificationKind.DIGEST, period=today.isoformat()
    ).values("recipient_id")
    pending = (
        Notification.objects.filter(
            recipient__digest_only=True,
            recipient__is_active=True,
            digest__isnull=True,
            emailed_at__isnull=True,
            created_at__gte=now - DIGEST_LOOKBACK,
            created_at__lte=now,
        )
        .exclude(kind=NotificationKind.DIGEST)
        .exclude(recipient_id__in=already)
        .order_by("recipient_id", "kind", "created_at", "pk")
        .values("pk", "recipient_id", "kind", "title", "body", "sections")
    )
    items: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in pending:
        items[row["recipient_id"]].append(row)
    if not items:
        return 0
    messages = [
        Message(
            recipient_id=recipient_id,
            kind=NotificationKind.DIGEST,
            object_key="digest",
            period=today.isoformat(),
            title=Text(DIGEST_TITLE, {"date": vn_date(today), "count": len(rows)}),
            body=Text.listing(DIGEST_INTRO, [_digest_line(row) for row in rows]),
            url=notification_list_url(),
        )
        for recipient_id, rows in items.items()
    ]
    with transaction.atomic():
        won = notify(messages, now=now)
        # What each digest lists joins it: each listed notice takes its person's digest of today
        # (one UPDATE a batch of notices, not one a person: a morning at 1M tasks has 750).
        todays_digest = Notification.objects.filter(
            recipient_id=OuterRef("recipient_id"),
            kind=NotificationKind.DIGEST,
            object_key="digest",
            period=today.isoformat(),
        ).values("pk")
        listed = [row["pk"] for digest in won for row in items[digest.recipient_id]]
        for start in range(0, len(listed), EMAIL_BATCH):
            Notification.objects.filter(
                pk__in=listed[start : start + EMAIL_BATCH], digest__isnull=True
            ).update(digest=Subquery(todays_digest))
    return len(won)


def _digest_line(row: Mapping[str, Any]) -> str:
    """A day's notice (reminders, escalations) brings its list along; the others, their title."""
    if not row["sections"]:
        return row["title"]
    return f"{row['title']}\n{textwrap.indent(row['body'], '  ')}"


def notification_list_url() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("notifications:list")
    except NoReverseMatch:  # pragma: no cover - urls not wired
        return ""


# ---- reading, in the app


def unread_count(user: User | AnonymousUser | None) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when `ids` is None)."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


def set_digest_only(user: User, digest_only: bool) -> None:
    """The person's choice of e-mail: each notification, or the daily digest only."""
    User.objects.filter(pk=user.pk).update(digest_only=digest_only)
    user.digest_only = digest_only

"""Queue e-mail in the outbox and send it, at least once, never twice in normal operation.

`enqueue()` writes the rows in the caller's transaction: if the transaction rolls back, there is
nothing to send; if it commits, the message is on disk before anyone tries to send it.

`send_outbox()` is the worker:
1. claim: in one short transaction, take up to `limit` due rows (pending and due, or `sending`
   under a claim older than OUTBOX_LEASE_SECONDS, i.e. a worker that died), mark them `sending`
   with this run's claim token and count the attempt. PostgreSQL takes them with SELECT … FOR
   UPDATE SKIP LOCKED, so two workers never claim the same row; on SQLite the database takes
   one writer at a time and the UPDATE re-checks the row's state, with the same effect.
2. send each claimed row over one SMTP connection (EMAIL_TIMEOUT bounds a stalling server),
   with a Message-ID derived from the row, so a receiving server can recognise a resend;
3. mark it sent, one UPDATE as soon as the server took it — or, on failure, pending again
   after a backoff of OUTBOX_RETRY_SECONDS × 2^(attempts-1) (capped), or `failed` after
   OUTBOX_MAX_ATTEMPTS; the notifications of the batch's sent messages are stamped e-mailed
   with one UPDATE at the end of the batch (a row at a time was two writes per message).

The guarantee: every committed message is delivered at least once while the mail server comes
back within the attempts; it is handed to the server more than once only if a worker dies, or
loses its lease, after the server accepted the message and before the worker recorded it (a
window of one database write). Such a duplicate carries the same Message-ID. A worker dying
mid-batch leaves the notifications of the messages it sent unstamped (`emailed_at` is a record
for the administrator and the digest; the message itself is not sent again).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from project.faults import pause_point

from .models import Notification, OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

HEADER_BREAKS = re.compile(r"[\r\n\x00\u2028\u2029]+")
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    notification_ids: tuple[int, ...] = ()


def clean_header(value: str, limit: int = 255) -> str:
    """One line: a subject with CR/LF would make Django refuse the whole message
    (BadHeaderError) or, worse elsewhere, inject headers."""
    return " ".join(HEADER_BREAKS.sub(" ", str(value)).split())[:limit]


def enqueue(emails: Iterable[Email]) -> list[OutboxEmail]:
    """Write the messages to the outbox, in the caller's transaction."""
    emails = list(emails)
    if not emails:
        return []
    now = timezone.now()
    # One query, however many messages; no savepoint of its own: the caller's transaction
    # (notify()'s) holds it with the notifications it announces.
    return OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                to=clean_header(email.to, 254),
                subject=clean_header(email.subject),
                body=email.body,
                next_attempt_at=now,
                created_at=now,
                notification_ids=list(email.notification_ids),
            )
            for email in emails
        ]
    )


def send_after_commit(rows: list[OutboxEmail]) -> None:
    """Try the rows right after the transaction commits (the worker retries what fails)."""
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: _send_committed(ids))


def _send_committed(ids: list[int]) -> SendResult:
    pause_point("outbox:committed")  # a process dying here leaves the rows for the worker
    return send_outbox(ids=ids)


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed"


def _due(now: dt.datetime) -> Q:
    lease = dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_at__lt=now - lease
    )


def claim(*, now: dt.datetime, limit: int, ids: list[int] | None = None) -> list[OutboxEmail]:
    token = uuid.uuid4()
    due = OutboxEmail.objects.filter(_due(now))
    if ids is not None:
        due = due.filter(pk__in=ids)
    due = due.order_by("next_attempt_at", "pk")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: lock the rows we take; rows another worker holds are skipped.
            chosen = list(
                due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
            )
            if not chosen:
                return []
            targets = OutboxEmail.objects.filter(pk__in=chosen)
        else:
            # SQLite: one UPDATE … WHERE pk IN (SELECT … LIMIT n) takes the write lock at once
            # (a SELECT first would have to upgrade its read lock, and lose to another writer).
            targets = OutboxEmail.objects.filter(pk__in=due.values("pk")[:limit])
        claimed = targets.filter(_due(now)).update(
            status=OutboxStatus.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1
        )
    if not claimed:
        return []
    return list(OutboxEmail.objects.filter(claim=token).order_by("pk"))


def message_id(row: OutboxEmail) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "dondoc389.local"
    return f"<outbox-{row.pk}.{row.created_at:%Y%m%d%H%M%S}@{clean_header(domain, 100)}>"


def _backoff(attempts: int) -> dt.timedelta:
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _mark_sent(row: OutboxEmail) -> None:
    """Record that the server took the message: one UPDATE, at once (the window in which a
    death means a resend stays one write wide)."""
    now = timezone.now()
    updated = OutboxEmail.objects.filter(pk=row.pk, claim=row.claim).update(
        status=OutboxStatus.SENT, sent_at=now, claim=None, last_error=""
    )
    if not updated:  # our lease ran out and another worker took the row over
        logger.warning("outbox e-mail %s was sent after its claim expired", row.pk)
        OutboxEmail.objects.filter(pk=row.pk).exclude(status=OutboxStatus.SENT).update(
            status=OutboxStatus.SENT, sent_at=now, claim=None
        )


def _stamp_emailed(rows: list[OutboxEmail]) -> None:
    """Stamp the notifications the sent messages announce, one UPDATE for the whole batch."""
    ids = [pk for row in rows for pk in row.notification_ids]
    if ids:
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )


def _mark_failed(row: OutboxEmail, error: BaseException) -> bool:
    """Back to pending with a delay, or failed for good; True if it will be retried."""
    text = f"{error.__class__.__name__}: {error}"[:MAX_ERROR_CHARS]
    retry = row.attempts < settings.OUTBOX_MAX_ATTEMPTS
    OutboxEmail.objects.filter(pk=row.pk, claim=row.claim).update(
        status=OutboxStatus.PENDING if retry else OutboxStatus.FAILED,
        next_attempt_at=timezone.now() + _backoff(row.attempts),
        claim=None,
        last_error=text,
    )
    return retry


def send_outbox(
    *, limit: int = 200, now: dt.datetime | None = None, ids: list[int] | None = None
) -> SendResult:
    """Send what is due (or only `ids`, if given and due); return the counts."""
    result = SendResult()
    rows = claim(now=now or timezone.now(), limit=limit, ids=ids)
    if not rows:
        return result
    pause_point("outbox:claimed")  # dying here: the rows come back after the lease
    try:
        smtp = get_connection(fail_silently=False)
        smtp.open()
    except Exception as exc:  # the mail server is down: every claimed row waits and retries
        logger.warning("cannot open the e-mail connection: %s", exc)
        for row in rows:
            if _mark_failed(row, exc):
                result.retried += 1
            else:
                result.failed += 1
        return result
    sent: list[OutboxEmail] = []
    try:
        for row in rows:
            message = EmailMessage(
                subject=clean_header(row.subject),
                body=row.body,
                to=[clean_header(row.to, 254)],
                connection=smtp,
                headers={"Message-ID": message_id(row)},
            )
            try:
                message.send()
            except Exception as exc:
                logger.warning("outbox e-mail %s to %s failed: %s", row.pk, row.to, exc)
                if _mark_failed(row, exc):
                    result.retried += 1
                else:
                    result.failed += 1
                continue
            pause_point("outbox:accepted")  # the one window where a death means a resend
            _mark_sent(row)
            sent.append(row)
            result.sent += 1
    finally:
        _stamp_emailed(sent)
        try:
            smtp.close()
        except Exception:
            logger.debug("closing the e-mail connection failed", exc_info=True)
    return result


def tick_job(now: dt.datetime) -> str:
    """The periodic tick's job (chasing/tick.py JOBS): send what is due."""
    return str(send_outbox(now=now))

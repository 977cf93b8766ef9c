"""Keyset pagination for long lists (pages, and the API's IdCursorPagination): a page is "the
next 25 rows after this one" in the order of an index (a nullable date, nulls last, then the
primary key), never "skip 40,000 rows", and nothing counts the whole list. Each page costs one
or two index range scans, whatever its depth: the rows with a date first, then those without.

The cursor in the URL (?after=… / ?before=…) carries the boundary row's key, base64 JSON; a
cursor that does not decode is treated as none (the first page), so a hand-edited URL shows a
page, never an error. The cursor only says where to start: what may be seen is the queryset's.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

PAGE_SIZE = 25


def encode(value: dt.datetime | None, pk: int) -> str:
    raw = json.dumps([value.isoformat() if value else None, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None) -> tuple[dt.datetime | None, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        moment = dt.datetime.fromisoformat(value) if value is not None else None
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(pk, int) or (moment is not None and moment.tzinfo is None):
        return None
    return moment, pk


@dataclass
class KeysetPage:
    """One page, with the links to its neighbours (the template's `page_obj`)."""

    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None
    params: QueryDict

    keyset = True

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def _url(self, **change: str | None) -> str:
        params = self.params.copy()
        for key in ("after", "before", "page"):
            params.pop(key, None)
        for key, value in change.items():
            if value is not None:
                params[key] = value
        return f"?{params.urlencode()}"

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_url(self) -> str:
        return self._url(after=self.next_cursor)

    @property
    def previous_url(self) -> str:
        return self._url(before=self.previous_cursor)

    @property
    def first_url(self) -> str:
        return self._url()

    @property
    def last_url(self) -> str:
        return self._url(page="last")


def _undated_order(field: str, descending: bool = False) -> tuple:
    """The rows without a date in primary-key order, said as (field, pk): the date is null in
    all of them, so it changes nothing, but PostgreSQL then reads them in order along the
    (…, field, id) index the list pages by. Ordered by the key alone, it walks the whole
    table's primary key backwards for the last page, skipping every other agency's rows (an
    IS NULL condition does not tell the planner that the index's next column is in order)."""
    if descending:
        return F(field).desc(), "-pk"
    return F(field).asc(), "pk"


def _forward(queryset: QuerySet, field: str, after: tuple | None, limit: int) -> list:
    """Up to `limit` rows after `after` in (field ASC NULLS LAST, pk ASC)."""
    rows: list = []
    if after is None or after[0] is not None:
        dated = queryset.filter(**{f"{field}__isnull": False})
        if after is not None:
            value, pk = after
            dated = dated.filter(**{f"{field}__gte": value}).exclude(
                **{field: value, "pk__lte": pk}
            )
        rows = list(dated.order_by(F(field).asc(), "pk")[:limit])
        if len(rows) >= limit:
            return rows
    undated = queryset.filter(**{f"{field}__isnull": True})
    if after is not None and after[0] is None:
        undated = undated.filter(pk__gt=after[1])
    return rows + list(undated.order_by(*_undated_order(field))[: limit - len(rows)])


def _backward(queryset: QuerySet, field: str, before: tuple | None, limit: int) -> list:
    """Up to `limit` rows before `before` (none: from the end), nearest first."""
    rows: list = []
    if before is None or before[0] is None:
        undated = queryset.filter(**{f"{field}__isnull": True})
        if before is not None:
            undated = undated.filter(pk__lt=before[1])
        rows = list(undated.order_by(*_undated_order(field, descending=True))[:limit])
        if len(rows) >= limit:
            return rows
    dated = queryset.filter(**{f"{field}__isnull": False})
    if before is not None and before[0] is not None:
        value, pk = before
        dated = dated.filter(**{f"{field}__lte": value}).exclude(**{field: value, "pk__gte": pk})
    return rows + list(dated.order_by(F(field).desc(), "-pk")[: limit - len(rows)])


def paginate(
    queryset: QuerySet, params: QueryDict, field: str = "due_at", size: int = PAGE_SIZE
) -> KeysetPage:
    """The page `params` asks for: ?after=<cursor>, ?before=<cursor>, ?page=last, or the first."""

    def key(row: Any) -> str:
        return encode(getattr(row, field), row.pk)

    after, before = decode(params.get("after")), decode(params.get("before"))
    if before is not None or params.get("page") == "last":
        rows = _backward(queryset, field, before, size + 1)
        more_before = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(
            rows=rows,
            next_cursor=key(rows[-1]) if rows and before is not None else None,
            previous_cursor=key(rows[0]) if rows and more_before else None,
            params=params,
        )
    rows = _forward(queryset, field, after, size + 1)
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=key(rows[-1]) if rows and more_after else None,
        previous_cursor=key(rows[0]) if rows and after is not None else None,
        params=params,
    )


class IdCursorPagination(CursorPagination):
    """The API's lists: DRF's cursor pagination along the primary key (no COUNT, no OFFSET
    into the table), plus `?page=last`, the last page read backwards along the same index."""

    ordering = "id"
    page_size = 50

    def decode_cursor(self, request: Request) -> Cursor | None:
        if request.query_params.get("page") == "last" and not request.query_params.get(
            self.cursor_query_param
        ):
            return Cursor(offset=0, reverse=True, position=None)
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            # A cursor is only ever one the API gave out: a made-up one is bad input (400, as
            # the schema documents), not a missing page.
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        _("This page link is not valid; start again from the first page.")
                    ]
                }
            ) from exc

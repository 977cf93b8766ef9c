"""Database helpers Django does not ship, for any app."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Lookup, Model
from django.db.models.constants import OnConflict
from django.db.models.sql.compiler import SQLCompiler


def insert_ignoring_conflicts(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert `objs` (instances of `model`, primary keys left to the database) with INSERT …
    ON CONFLICT DO NOTHING (SQLite: INSERT OR IGNORE), a row a statement through one
    executemany, in their order: a row that would break a unique constraint is left out.

    bulk_create(ignore_conflicts=True) writes multi-row VALUES, and psycopg binds parameters
    on the client: each 500-row statement was a megabyte or two of SQL for psycopg to split
    and quote and PostgreSQL to parse. One short statement repeated sends each row's values as
    they are. Each value is prepared as bulk_create prepares it (pre_save, then for the
    database), so a field that fills itself on insert is still filled."""
    if not objs:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [cast(str, f.column) for f in fields]  # a concrete field always has one
    sql = "{} {} ({}) VALUES ({}) {}".format(
        ops.insert_statement(on_conflict=OnConflict.IGNORE),
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(column) for column in columns),
        ", ".join(["%s"] * len(fields)),
        ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None),
    )
    params = [
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs
    ]
    if connection.vendor == "postgresql":
        # Bound on the server (the cursor Django uses with OPTIONS server_side_binding): each
        # row's values go as they are, not quoted into the text of every statement for
        # PostgreSQL to parse (7,400 notices at 1M tasks: ~1.7 -> ~0.9 s). Through Django's
        # cursor wrapper, so the query is counted and logged as any other. Imported here, so
        # that an SQLite installation never loads the PostgreSQL backend.
        from django.db.backends.postgresql.base import ServerBindingCursor

        connection.ensure_connection()
        # Any: django-stubs types the wrappers' argument as Django's own wrapper, and this
        # psycopg cursor class without its connection argument.
        raw: Any = cast(Any, ServerBindingCursor)(connection.connection)
        wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
        with wrap(raw) as cursor:
            cursor.executemany(sql, params)
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


class AnyOf(Lookup):
    """`field IN (ids)` for a long list of ids, written on PostgreSQL as `field = ANY(%s)`, the
    list one array parameter: `filter(AnyOf(F("task_id"), ids))`, a column of the model or of
    a to-one relation.

    Django's IN takes a placeholder per value and prepares each one, and psycopg quotes each
    into the statement's text: for the national task list's 95 batches of 2,000 task ids, that
    was 1.3 of the 2.9 s spent reading the tasks' parts (issue 11). SQLite has no arrays: IN,
    a placeholder per id (at most 32,766 in a statement on a stock SQLite build)."""

    prepare_rhs = False  # (used as an expression, never registered as `__any_of`)

    def __init__(self, lhs: F | Any, rhs: Iterable[int]) -> None:
        # operator.index: an id, never a float or a text silently made one
        super().__init__(lhs, [operator.index(value) for value in rhs])

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if self.rhs:
            sql = f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})"
        else:
            sql = "1 = 0"  # IN () is not SQL
        return self._not_null(lhs, sql), (*lhs_params, *self.rhs)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return self._not_null(lhs, f"{lhs} = ANY(%s)"), (*lhs_params, self.rhs)

    def _not_null(self, lhs: str, sql: str) -> str:
        """Under exclude(), NOT (x IN …) is NULL where x is NULL and drops the row; Django's
        own IN keeps it, by asking that x is not NULL inside the NOT. So does this, where the
        column may be NULL."""
        target = getattr(self.lhs, "target", None)
        if target is not None and not target.null:
            return sql
        return f"({sql} AND {lhs} IS NOT NULL)"

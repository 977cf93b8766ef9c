"""The database refuses to change or remove a history row, on SQLite as on PostgreSQL.

Every table of an AppendOnlyModel (task, directive and periodic-report events, access events,
and any history table added later) gets BEFORE UPDATE and BEFORE DELETE triggers:
- PostgreSQL: project.audit's plpgsql function raises (tasks migration 0005 set it up for the
  first three tables; this module covers every append-only table).
- SQLite: RAISE(ABORT). The DELETE trigger lets one thing through: `manage.py flush` (which
  empties every table, and which the test runner uses), through a per-connection SQL function
  that is false except inside audit's flush command. A connection that does not define the
  function (the sqlite3 shell) cannot delete history either.

SQLite drops a table's triggers when a migration rebuilds the table, so `ensure_triggers` runs
after every `migrate` and puts back whatever is missing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from project.audit import REFUSE_CHANGE_FUNCTION, AppendOnlyModel, append_only_trigger_sql

PURGE_FUNCTION = "dondoc_history_purge_allowed"
_purge = threading.local()


@contextlib.contextmanager
def history_purge_allowed() -> Iterator[None]:
    """Let this thread's SQLite connections empty history tables (flush only)."""
    _purge.allowed = True
    try:
        yield
    finally:
        _purge.allowed = False


def _purge_allowed() -> int:
    return int(getattr(_purge, "allowed", False))


def register_sqlite_function(sender=None, connection=None, **kwargs) -> None:  # noqa: ANN001, ARG001
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(PURGE_FUNCTION, 0, _purge_allowed)


def sqlite_trigger_sql(table: str) -> list[str]:
    message = f"history is append-only: %s on {table} refused"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message % 'UPDATE'}'); END;",
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_delete BEFORE DELETE ON {table} "
        f"WHEN NOT {PURGE_FUNCTION}() "
        f"BEGIN SELECT RAISE(ABORT, '{message % 'DELETE'}'); END;",
    ]


def sqlite_drop_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only_update;",
        f"DROP TRIGGER IF EXISTS {table}_append_only_delete;",
    ]


def add_triggers(connection, tables: list[str]) -> None:  # noqa: ANN001
    """Create the triggers for `tables` (idempotent) on this connection's database."""
    existing = set(connection.introspection.table_names())
    tables = [table for table in tables if table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(REFUSE_CHANGE_FUNCTION)
            for table in tables:
                cursor.execute(append_only_trigger_sql(table))
        elif connection.vendor == "sqlite":
            register_sqlite_function(connection=connection)
            for table in tables:
                for statement in sqlite_trigger_sql(table):
                    cursor.execute(statement)


def append_only_tables() -> list[str]:
    from django.apps import apps

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel) and not model._meta.proxy
    )


def ensure_triggers(sender=None, using: str = "default", **kwargs) -> None:  # noqa: ANN001, ARG001
    from django.db import connections

    add_triggers(connections[using], append_only_tables())

"""The database refuses to change or remove a history row, on SQLite as on PostgreSQL.

Every table of an AppendOnlyModel (task, directive and periodic-report events, access events,
and any history table added later) gets BEFORE UPDATE and BEFORE DELETE triggers:
- PostgreSQL: project.audit's plpgsql function raises (tasks migration 0005 set it up for the
  first three tables; this module covers every append-only table).
- SQLite: RAISE(ABORT). The DELETE trigger lets one thing through: `manage.py flush` (which
  empties every table, and which the test runner uses), through a per-connection SQL function
  that is false except inside audit's flush command. A connection that does not define the
  function (the sqlite3 shell) cannot delete history either.

An archivable log (the access log: its retention job, audit/retention.py, archives old rows to
a file and then deletes them) also lets a DELETE through inside `archiving_allowed(table)`:
on PostgreSQL a transaction-local setting naming the table, on SQLite a second per-connection
function. UPDATE stays refused everywhere, and no other table can be emptied that way.

SQLite drops a table's triggers when a migration rebuilds the table, so `ensure_triggers` runs
after every `migrate` and puts back whatever is missing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from project.audit import (
    ARCHIVING_SETTING,
    REFUSE_CHANGE_FUNCTION,
    REFUSE_CHANGE_UNLESS_ARCHIVING_FUNCTION,
    AppendOnlyModel,
    append_only_trigger_sql,
)

PURGE_FUNCTION = "dondoc_history_purge_allowed"
ARCHIVING_FUNCTION = "dondoc_history_archiving"
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


def _archiving(table: str) -> int:
    return int(getattr(_purge, "archiving", None) == table)


@contextlib.contextmanager
def archiving_allowed(connection: BaseDatabaseWrapper, table: str) -> Iterator[None]:
    """Let DELETE through on one archivable log table (the retention job's, after it has
    written the rows to the archive), inside a transaction (a savepoint within the caller's).

    Only code can open it: on PostgreSQL the setting is transaction-local and no view sets it
    (a role that could run arbitrary SQL could drop the trigger anyway); on SQLite the flag is
    this thread's, read by a function defined only on our own connections."""
    if table not in archivable_tables():
        raise ValueError(f"{table} is not an archivable log")
    with transaction.atomic(using=connection.alias):
        if connection.vendor != "postgresql":
            _purge.archiving = table
            try:
                yield
            finally:
                _purge.archiving = None
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [ARCHIVING_SETTING, table])
        # On an error no query runs here (an aborted transaction would answer every one with
        # "current transaction is aborted", hiding the error): the rollback of this block
        # undoes the setting. On success it is closed now, not when an enclosing
        # transaction ends.
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [ARCHIVING_SETTING])


def register_sqlite_function(
    sender: object = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any
) -> None:
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(PURGE_FUNCTION, 0, _purge_allowed)
        connection.connection.create_function(ARCHIVING_FUNCTION, 1, _archiving)


def sqlite_trigger_sql(table: str, archivable: bool = False) -> list[str]:
    message = f"history is append-only: %s on {table} refused"
    unless = f"NOT {PURGE_FUNCTION}()"
    if archivable:
        unless += f" AND NOT {ARCHIVING_FUNCTION}('{table}')"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message % 'UPDATE'}'); END;",
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_delete BEFORE DELETE ON {table} "
        f"WHEN {unless} "
        f"BEGIN SELECT RAISE(ABORT, '{message % 'DELETE'}'); END;",
    ]


def sqlite_drop_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only_update;",
        f"DROP TRIGGER IF EXISTS {table}_append_only_delete;",
    ]


def add_triggers(connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    """Create the triggers for `tables` (idempotent) on this connection's database."""
    existing = set(connection.introspection.table_names())
    tables = [table for table in tables if table in existing]
    archivable = archivable_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(REFUSE_CHANGE_FUNCTION)
            cursor.execute(REFUSE_CHANGE_UNLESS_ARCHIVING_FUNCTION)
            for table in tables:
                cursor.execute(append_only_trigger_sql(table, table in archivable))
        elif connection.vendor == "sqlite":
            register_sqlite_function(connection=connection)
            for table in tables:
                for statement in sqlite_trigger_sql(table, table in archivable):
                    cursor.execute(statement)


def _append_only_models() -> list[type[AppendOnlyModel]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel) and not model._meta.proxy
    ]


def append_only_tables() -> list[str]:
    return sorted(model._meta.db_table for model in _append_only_models())


def archivable_tables() -> set[str]:
    return {model._meta.db_table for model in _append_only_models() if model.archivable}


def ensure_triggers(sender: object = None, using: str = "default", **kwargs: Any) -> None:
    add_triggers(connections[using], append_only_tables())

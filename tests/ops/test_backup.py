"""`manage.py backup` and `restore`, on the database the suite runs on (SQLite or PostgreSQL)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, as sorted text, so that two databases can be compared."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
    return rows


def drop_everything() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names():
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_every_row(tmp_path):
    call_command("load_demo", stdout=io.StringIO())  # committees to task histories
    before = every_row()
    assert sum(len(rows) for rows in before.values()) > 1000
    out = io.StringIO()
    call_command("backup", str(tmp_path / "db.backup"), stdout=out)
    assert "db.backup" in out.getvalue()

    drop_everything()
    assert connection.introspection.table_names() == []
    call_command("restore", str(tmp_path / "db.backup"), stdout=io.StringIO())

    assert every_row() == before


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    call_command("backup", str(tmp_path / "db.backup"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "db.backup"))


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    drop = tmp_path / "notes.txt"
    drop.write_text("not a database")
    with pytest.raises(CommandError, match="is not a"):
        call_command("restore", str(drop), "--replace")

"""Backups of the database: SQLite through its online backup API, PostgreSQL through pg_dump.

A SQLite backup is itself a database file (open it with sqlite3); a PostgreSQL backup is
pg_dump's custom format (read it with pg_restore). Restoring goes into an empty database
unless asked to replace what is there. Uploaded files (MEDIA_ROOT) are not in the database:
copy that folder beside the backup (docs/deploy.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    pass


def default_path(backups: Path) -> Path:
    suffix = "sqlite3" if connection.vendor == "sqlite" else "pgdump"
    return backups / f"dondoc389-{timezone.now():%Y%m%d-%H%M%S}.{suffix}"


def backup(path: Path) -> Path:
    """Write a consistent copy of the database to `path` (through a temporary file, so a
    failed backup never leaves a half-written file under the real name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}")
    else:
        raise BackupError(f"backups of {connection.vendor} are not supported")
    os.replace(partial, path)
    return path


def is_empty() -> bool:
    return not connection.introspection.table_names(include_views=True)


def restore(path: Path, *, replace: bool = False) -> None:
    """Load the backup in `path` into the database, which must be empty unless `replace`."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    if not replace and not is_empty():
        raise BackupError(
            "the database is not empty; restore into an empty database, or pass --replace "
            "to overwrite everything in it"
        )
    magic = path.read_bytes()[:16]
    if connection.vendor == "sqlite":
        if magic != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite backup")
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)  # page by page over the whole database
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        if not magic.startswith(PGDUMP_MAGIC):
            raise BackupError(f"{path} is not a PostgreSQL backup (pg_dump --format=custom)")
        connection.close()  # pg_restore needs the tables we might hold locks on
        options = ["--clean", "--if-exists"] if replace else []
        _pg("pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", *options, str(path))  # fmt: skip
    else:
        raise BackupError(f"restoring {connection.vendor} is not supported")


def _pg(program: str, *args: str) -> None:
    """Run a PostgreSQL client program against Django's database (the same connection settings,
    the test database under pytest)."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ]:
        if db.get(key):
            env[variable] = str(db[key])
    result = subprocess.run(
        [program, *args, f"--dbname={db['NAME']}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")

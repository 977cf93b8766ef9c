"""History tables refuse UPDATE and DELETE in the database, on SQLite too (PostgreSQL had it
for three tables since tasks 0005): task, directive and periodic-report events, access events.
audit/triggers.py also puts them back after every migrate, for tables SQLite rebuilt."""

from django.db import migrations

from audit.triggers import add_triggers, sqlite_drop_sql
from project.audit import drop_append_only_trigger_sql

HISTORY_TABLES = [
    "tasks_taskevent",
    "tasks_reportsubmissionevent",
    "documents_directiveevent",
    "audit_accessevent",
]


def forwards(apps, schema_editor):
    add_triggers(schema_editor.connection, HISTORY_TABLES)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in HISTORY_TABLES:
            if connection.vendor == "sqlite":
                for statement in sqlite_drop_sql(table):
                    cursor.execute(statement)
            elif connection.vendor == "postgresql" and table == "audit_accessevent":
                cursor.execute(drop_append_only_trigger_sql(table))  # tasks 0005 owns the rest


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_access_events"),
        ("tasks", "0005_history_append_only_in_postgresql"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""History tables refuse UPDATE and DELETE at the database level, on PostgreSQL."""

from django.db import migrations

from project.audit import (
    REFUSE_CHANGE_FUNCTION,
    append_only_trigger_sql,
    drop_append_only_trigger_sql,
)

HISTORY_TABLES = ["tasks_taskevent", "tasks_reportsubmissionevent", "documents_directiveevent"]


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the models and the admin refuse; the embedded mode has no other writer
    schema_editor.execute(REFUSE_CHANGE_FUNCTION, params=None)
    for table in HISTORY_TABLES:
        schema_editor.execute(append_only_trigger_sql(table), params=None)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in HISTORY_TABLES:
        schema_editor.execute(drop_append_only_trigger_sql(table), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0004_notification_kind_urged"),
        ("documents", "0004_urging_letters"),
    ]

    operations = [migrations.RunPython(add_triggers, remove_triggers)]

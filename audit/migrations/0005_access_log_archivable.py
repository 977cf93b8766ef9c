"""The access log's rows may be deleted by its retention job once archived (and by nothing
else): its DELETE trigger is re-created to let that job's transaction through."""

from django.db import migrations

from audit.triggers import add_triggers, sqlite_drop_sql

TABLE = "audit_accessevent"


def recreate(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":  # CREATE TRIGGER IF NOT EXISTS would keep the old one
        with connection.cursor() as cursor:
            for statement in sqlite_drop_sql(TABLE):
                cursor.execute(statement)
    add_triggers(connection, [TABLE])


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_admin_change_kinds")]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]

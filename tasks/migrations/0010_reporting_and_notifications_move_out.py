"""Periodic reporting and notifications leave the tasks app (issue 10), their data stays.

reporting.0001 and chasing.0002 took the tables over under their old names; this drops the
models from the tasks app's state only, and renames their content types, so that the
permissions (Django's and guardian's rows point at a content type) and admin history follow.
"""

from django.db import migrations

# model name → the app it moved to
MOVED = {
    "notification": "chasing",
    "reportingobligation": "reporting",
    "reportingperiod": "reporting",
    "reportsubmission": "reporting",
    "reportforceline": "reporting",
    "reportattachment": "reporting",
    "reportsubmissionevent": "reporting",
}


def _rename(apps, moves: dict[str, tuple[str, str]]) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model, (old_app, new_app) in moves.items():
        old = content_type.objects.filter(app_label=old_app, model=model)
        if not old.exists():
            continue  # a fresh database: post_migrate creates the new ones
        # One made for the new app in between (a partial migrate) would clash: it can hold
        # nothing yet, so it goes.
        content_type.objects.filter(app_label=new_app, model=model).delete()
        old.update(app_label=new_app)


def forwards(apps, schema_editor) -> None:
    _rename(apps, {model: ("tasks", app) for model, app in MOVED.items()})


def backwards(apps, schema_editor) -> None:
    _rename(apps, {model: (app, "tasks") for model, app in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0009_drop_task_level_work"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reporting", "0001_initial"),
        ("chasing", "0002_notification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.RemoveField(
                    model_name='reportattachment',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='reportattachment',
                    name='uploaded_by',
                ),
                migrations.RemoveField(
                    model_name='reportforceline',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='reportingobligation',
                    name='committee',
                ),
                migrations.RemoveField(
                    model_name='reportingobligation',
                    name='members',
                ),
                migrations.RemoveField(
                    model_name='reportingperiod',
                    name='obligation',
                ),
                migrations.RemoveField(
                    model_name='reportsubmission',
                    name='period',
                ),
                migrations.RemoveField(
                    model_name='reportsubmission',
                    name='agency',
                ),
                migrations.RemoveField(
                    model_name='reportsubmission',
                    name='reviewed_by',
                ),
                migrations.RemoveField(
                    model_name='reportsubmission',
                    name='submitted_by',
                ),
                migrations.RemoveField(
                    model_name='reportsubmissionevent',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='reportsubmissionevent',
                    name='actor',
                ),
                migrations.DeleteModel(
                    name='ReportAttachment',
                ),
                migrations.DeleteModel(
                    name='ReportForceLine',
                ),
                migrations.DeleteModel(
                    name='ReportingObligation',
                ),
                migrations.DeleteModel(
                    name='ReportingPeriod',
                ),
                migrations.DeleteModel(
                    name='ReportSubmission',
                ),
                migrations.DeleteModel(
                    name='ReportSubmissionEvent',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]

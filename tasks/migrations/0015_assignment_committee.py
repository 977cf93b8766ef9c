import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    """Each part's committee: its task's directive's."""
    Task = apps.get_model("tasks", "Task")
    apps.get_model("tasks", "TaskAssignment").objects.update(
        committee_id=Subquery(
            Task.objects.filter(pk=OuterRef("task_id")).values("directive__committee_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0004_user_language"),
        ("tasks", "0014_taskevent_overdue_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskassignment",
            name="committee",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.committee",
                verbose_name="committee",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

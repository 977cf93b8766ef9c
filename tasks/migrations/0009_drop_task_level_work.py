"""The task-level copies of each lead's work go: the part (TaskAssignment) is the one truth."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0008_assignment_state_from_task"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='extension',
            name='one_open_extension_per_task',
        ),
        migrations.RemoveField(
            model_name='task',
            name='acknowledged_at',
        ),
        migrations.RemoveField(
            model_name='task',
            name='officer',
        ),
        migrations.RemoveField(
            model_name='task',
            name='original_deadline',
        ),
        migrations.RemoveField(
            model_name='task',
            name='reported_at',
        ),
        migrations.RemoveField(
            model_name='task',
            name='result_reported_at',
        ),
        migrations.AlterField(
            model_name="extension",
            name="assignment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="extensions",
                to="tasks.taskassignment",
                verbose_name="assignment",
            ),
        ),
    ]

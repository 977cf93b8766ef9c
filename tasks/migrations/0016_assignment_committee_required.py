import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from the fill: on PostgreSQL a table cannot be altered in the transaction that
    # queued its deferred foreign-key checks.
    dependencies = [("tasks", "0015_assignment_committee")]

    operations = [
        migrations.AlterField(
            model_name="taskassignment",
            name="committee",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.committee",
                verbose_name="committee",
            ),
        ),
        migrations.AddIndex(
            model_name="taskassignment",
            index=models.Index(
                condition=models.Q(
                    ("due_at__isnull", False),
                    ("role", "lead"),
                    (
                        "state__in",
                        ("assigned", "in_progress", "awaiting_head", "reported", "returned"),
                    ),
                ),
                fields=["committee", "agency"],
                include=("state", "due_at", "reported_at", "result_reported_at"),
                name="assignment_live_committee",
            ),
        ),
    ]

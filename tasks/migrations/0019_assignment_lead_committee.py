"""Every lead part by committee and agency, for LeadTally's writer (see TaskAssignment.Meta)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0018_directive_tally"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="taskassignment",
            index=models.Index(
                condition=models.Q(("role", "lead")),
                fields=["committee", "agency"],
                include=("state", "due_at", "reported_at", "result_reported_at"),
                name="assignment_lead_committee",
            ),
        ),
    ]

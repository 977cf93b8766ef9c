"""In-app notifications move here from tasks/ (issue 10): the model only, not the data.

The table keeps its name (tasks_notification): this changes Django's idea of which app owns it
and nothing in the database. tasks.0010 then drops it from the tasks app's state.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('chasing', '0001_outbox'),
        ('reporting', '0001_initial'),
        # The table was created by tasks.0002; this only takes it over.
        ('tasks', '0009_drop_task_level_work'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('reminder', 'Deadline approaching'), ('due_today', 'Due today'), ('overdue', 'Overdue'), ('escalation', 'Long overdue'), ('digest', 'Daily digest'), ('report_returned', 'Periodic report returned'), ('urged', 'Urged by the standing office')], max_length=20, verbose_name='kind')),
                        ('object_key', models.CharField(max_length=60, verbose_name='about')),
                        ('period', models.CharField(max_length=40, verbose_name='occurrence')),
                        ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='deadline')),
                        ('title', models.CharField(max_length=255, verbose_name='title')),
                        ('body', models.TextField(blank=True, verbose_name='message')),
                        ('url', models.CharField(blank=True, max_length=255, verbose_name='link')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('email_wanted', models.BooleanField(default=False, verbose_name='send by e-mail')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='e-mailed at')),
                        ('claim', models.UUIDField(blank=True, editable=False, null=True, verbose_name='claimed by run')),
                        ('digest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='items', to='chasing.notification', verbose_name='sent in digest')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'tasks_notification',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddField(
                    model_name='notification',
                    name='submission',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='reporting.reportsubmission', verbose_name='periodic report'),
                ),
                migrations.AddField(
                    model_name='notification',
                    name='task',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='tasks.task', verbose_name='task'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['recipient', 'read_at'], name='notification_unread'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['claim'], name='notification_claim'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['task', 'kind', 'period'], name='notification_task_kind'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['submission', 'kind', 'period'], name='notification_submission_kind'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(fields=('recipient', 'kind', 'object_key', 'period'), name='notification_once'),
                ),
            ],
            database_operations=[],
        ),
    ]

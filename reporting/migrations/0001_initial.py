"""Periodic reporting moves here from tasks/ (issue 10): the models only, not the data.

The tables keep their names (tasks_report…), so this migration changes Django's idea of which
app owns them and nothing in the database: existing databases migrate in place, with no copy.
tasks.0010 then drops them from the tasks app's state and renames their content types.
"""

import django.db.models.deletion
import django.utils.timezone
import django_fsm
import reporting.models
import tasks.deadlines
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agencies', '0002_committee_reports_need_head_approval'),
        # The tables were created by tasks.0002; this only takes them over.
        ('tasks', '0009_drop_task_level_work'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReportingObligation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('frequency', models.CharField(choices=[('month', 'Month'), ('quarter', 'Quarter'), ('half', 'Half year'), ('nine_months', 'Nine months'), ('year', 'Year')], max_length=20, verbose_name='frequency')),
                        ('cutoff_day', models.PositiveSmallIntegerField(default=15, help_text='A period runs from this day of one month to the day before it, e.g. 15 → from the 15th to the 14th; 1 → calendar months.', verbose_name='data cut-off day')),
                        ('due_rule', models.CharField(choices=[('working_days', 'N working days after the data cut-off'), ('fixed_day', 'A fixed day of the month after the cut-off')], default='working_days', max_length=20, verbose_name='deadline rule')),
                        ('due_working_days', models.PositiveSmallIntegerField(default=3, verbose_name='working days after the cut-off')),
                        ('due_fixed_day', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='fixed day of the month')),
                        ('form', models.CharField(choices=[('figures_389', '389 figures with narrative'), ('narrative', 'Narrative only')], default='figures_389', max_length=20, verbose_name='data form')),
                        ('starts_on', models.DateField(default=tasks.deadlines.today_in_vietnam, verbose_name='first period ends on or after')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('committee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reporting_obligations', to='agencies.committee', verbose_name='committee')),
                        ('members', models.ManyToManyField(blank=True, help_text='Empty: every member agency of the committee.', related_name='reporting_obligations', to='agencies.agency', verbose_name='members that report')),
                    ],
                    options={
                        'verbose_name': 'reporting obligation',
                        'verbose_name_plural': 'reporting obligations',
                        'db_table': 'tasks_reportingobligation',
                        'ordering': ['committee_id', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportingPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('index', models.PositiveSmallIntegerField(verbose_name='number in the year')),
                        ('starts_on', models.DateField(verbose_name='data from')),
                        ('ends_on', models.DateField(verbose_name='data cut-off')),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('due_at', models.DateTimeField(db_index=True, verbose_name='deadline ends')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('obligation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='periods', to='reporting.reportingobligation', verbose_name='obligation')),
                    ],
                    options={
                        'verbose_name': 'reporting period',
                        'verbose_name_plural': 'reporting periods',
                        'db_table': 'tasks_reportingperiod',
                        'ordering': ['-ends_on', 'obligation_id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportSubmission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('cases_detected', models.PositiveIntegerField(default=0, verbose_name='cases detected')),
                        ('admin_cases', models.PositiveIntegerField(default=0, verbose_name='administrative cases handled')),
                        ('goods_value', models.PositiveBigIntegerField(default=0, verbose_name='value of goods (VND)')),
                        ('budget_collected', models.PositiveBigIntegerField(default=0, verbose_name='budget collected (VND)')),
                        ('criminal_cases', models.PositiveIntegerField(default=0, verbose_name='criminal cases prosecuted')),
                        ('defendants', models.PositiveIntegerField(default=0, verbose_name='defendants prosecuted')),
                        ('state', django_fsm.FSMField(choices=[('due', 'Due'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('resubmitted', 'Resubmitted'), ('accepted', 'Accepted')], db_index=True, default='due', max_length=20, protected=True, verbose_name='state')),
                        ('narrative', models.TextField(blank=True, verbose_name='narrative')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                        ('first_submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='first submitted at')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('return_reason', models.TextField(blank=True, verbose_name='reason for returning')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='agencies.agency', verbose_name='agency')),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='submissions', to='reporting.reportingperiod', verbose_name='period')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                    ],
                    options={
                        'verbose_name': 'periodic report',
                        'verbose_name_plural': 'periodic reports',
                        'db_table': 'tasks_reportsubmission',
                        'ordering': ['period_id', 'agency__code'],
                    },
                    bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='ReportForceLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('cases_detected', models.PositiveIntegerField(default=0, verbose_name='cases detected')),
                        ('admin_cases', models.PositiveIntegerField(default=0, verbose_name='administrative cases handled')),
                        ('goods_value', models.PositiveBigIntegerField(default=0, verbose_name='value of goods (VND)')),
                        ('budget_collected', models.PositiveBigIntegerField(default=0, verbose_name='budget collected (VND)')),
                        ('criminal_cases', models.PositiveIntegerField(default=0, verbose_name='criminal cases prosecuted')),
                        ('defendants', models.PositiveIntegerField(default=0, verbose_name='defendants prosecuted')),
                        ('force', models.CharField(choices=[('customs', 'Customs'), ('tax', 'Tax'), ('border_guard', 'Border guard'), ('coast_guard', 'Coast guard'), ('market_surveillance', 'Market surveillance'), ('police', 'Police'), ('forest_ranger', 'Forest rangers')], max_length=30, verbose_name='force')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='force_lines', to='reporting.reportsubmission', verbose_name='periodic report')),
                    ],
                    options={
                        'verbose_name': 'figures of a force',
                        'verbose_name_plural': 'figures by force',
                        'db_table': 'tasks_reportforceline',
                    },
                ),
                migrations.CreateModel(
                    name='ReportAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('file', models.FileField(upload_to=reporting.models.submission_upload_to, verbose_name='file')),
                        ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='reporting.reportsubmission', verbose_name='periodic report')),
                    ],
                    options={
                        'verbose_name': 'attachment',
                        'verbose_name_plural': 'attachments',
                        'db_table': 'tasks_reportattachment',
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='ReportSubmissionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='time')),
                        ('request_id', models.CharField(blank=True, max_length=64, verbose_name='request id')),
                        ('from_state', models.CharField(blank=True, max_length=20, verbose_name='from')),
                        ('to_state', models.CharField(blank=True, max_length=20, verbose_name='to')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='reporting.reportsubmission', verbose_name='periodic report')),
                    ],
                    options={
                        'verbose_name': 'periodic report history entry',
                        'verbose_name_plural': 'periodic report history',
                        'db_table': 'tasks_reportsubmissionevent',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='reportingobligation',
                    constraint=models.CheckConstraint(condition=models.Q(('cutoff_day__gte', 1), ('cutoff_day__lte', 28)), name='obligation_cutoff_day'),
                ),
                migrations.AddConstraint(
                    model_name='reportingobligation',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('due_rule', 'fixed_day'), _negated=True), models.Q(('due_fixed_day__gte', 1), ('due_fixed_day__lte', 28)), _connector='OR'), name='obligation_fixed_day'),
                ),
                migrations.AddConstraint(
                    model_name='reportingperiod',
                    constraint=models.UniqueConstraint(fields=('obligation', 'year', 'index'), name='reporting_period_once'),
                ),
                migrations.AddIndex(
                    model_name='reportsubmission',
                    index=models.Index(fields=['agency', 'state'], name='submission_agency_state'),
                ),
                migrations.AddConstraint(
                    model_name='reportsubmission',
                    constraint=models.UniqueConstraint(fields=('period', 'agency'), name='one_submission_per_period'),
                ),
                migrations.AddConstraint(
                    model_name='reportforceline',
                    constraint=models.UniqueConstraint(fields=('submission', 'force'), name='one_line_per_force'),
                ),
            ],
            database_operations=[],
        ),
    ]

"""A database of the previous layout migrates forward without losing anything (issue 10).

Periodic reporting moved from tasks/ to reporting/, notifications to chasing/, with
SeparateDatabaseAndState: the tables keep their names, no row is copied, and the content types
are renamed so that permissions (Django's and guardian's) still point at the moved models.
Run in a separate process on a database file of its own, so the test database's schema is never
rolled back.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import datetime as dt, json, django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migrations before reporting/ and chasing's notifications had apps of their own.
OLD = [("tasks", "0009_drop_task_level_work"), ("chasing", "0001_outbox"),
       ("agencies", "0002_committee_reports_need_head_approval"),
       ("documents", "0005_permission_names"),
       ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more")]
executor = MigrationExecutor(connection)
executor.migrate(OLD)
apps = executor.loader.project_state(OLD).apps
Group = apps.get_model("auth", "Group")
Permission = apps.get_model("auth", "Permission")
ContentType = apps.get_model("contenttypes", "ContentType")
UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
Committee = apps.get_model("agencies", "Committee")
Agency = apps.get_model("agencies", "Agency")
User = apps.get_model("agencies", "User")
Directive = apps.get_model("documents", "Directive")
Task = apps.get_model("tasks", "Task")
Obligation = apps.get_model("tasks", "ReportingObligation")
Period = apps.get_model("tasks", "ReportingPeriod")
Submission = apps.get_model("tasks", "ReportSubmission")
SubmissionEvent = apps.get_model("tasks", "ReportSubmissionEvent")
Notification = apps.get_model("tasks", "Notification")

committee = Committee.objects.create(code="kg", name="BCĐ 389 tỉnh Kiên Giang", level="province")
def agency(code):
    return Agency.objects.create(code=code, name=code, short_name=code, kind="police",
                                 group=Group.objects.create(name=f"agency:{code}"))
ca, hq = agency("KG-CA"), agency("KG-HQ")
officer = User.objects.create(username="ca", role="agency_officer", committee=committee, agency=ca)
directive = Directive.objects.create(committee=committee, doc_type="TB", number=1, symbol="TB-X",
    issuer_code="X", issued_on=dt.date(2024, 1, 5), subject="Kết luận", state="issued", year=2024)
task = Task.objects.create(directive=directive, title="Tuần tra", state="assigned",
    deadline=dt.date(2024, 3, 31), due_at=dt.datetime(2024, 3, 31, 16, 59, tzinfo=dt.UTC))
obligation = Obligation.objects.create(committee=committee, name="Báo cáo tháng",
    frequency="month", starts_on=dt.date(2024, 1, 1))
obligation.members.set([ca, hq])
period = Period.objects.create(obligation=obligation, year=2024, index=1,
    starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 1, 14), due_on=dt.date(2024, 1, 19),
    due_at=dt.datetime(2024, 1, 19, 16, 59, tzinfo=dt.UTC))
submission = Submission.objects.create(period=period, agency=ca, state="returned",
    cases_detected=7)
SubmissionEvent.objects.create(submission=submission, actor=officer, from_state="submitted",
    to_state="returned", note="Thiếu số liệu")
digest = Notification.objects.create(recipient=officer, kind="digest", object_key="digest",
    period="2024-01-20", title="Tổng hợp")
Notification.objects.create(recipient=officer, kind="reminder", object_key=f"task:{task.pk}",
    period="2024-03-28", title="Sắp đến hạn", task=task, digest=digest)
Notification.objects.create(recipient=officer, kind="report_returned",
    object_key=f"submission:{submission.pk}", period="1", title="Bị trả lại",
    submission=submission)
# As post_migrate made them under the old layout: content types in "tasks", a permission, and a
# guardian row on one submission.
submission_type = ContentType.objects.create(app_label="tasks", model="reportsubmission")
ContentType.objects.create(app_label="tasks", model="notification")
change = Permission.objects.create(content_type=submission_type,
    codename="change_reportsubmission", name="Can change periodic report")
officer.user_permissions.add(change)
UserObjectPermission.objects.create(user=officer, permission=change,
    content_type=submission_type, object_pk=str(submission.pk))

call_command("migrate", verbosity=0)

from django.contrib.contenttypes.models import ContentType
from agencies.models import User
from chasing.models import Notification
from reporting.models import ReportingObligation, ReportSubmission, ReportSubmissionEvent
officer = User.objects.get(username="ca")
submission = ReportSubmission.objects.get()
print(json.dumps({
    "obligations": list(ReportingObligation.objects.values_list("name", flat=True)),
    "members": sorted(ReportingObligation.objects.get().members.values_list("code", flat=True)),
    "submissions": list(ReportSubmission.objects.values_list("agency__code", "state",
        "cases_detected", "period__index")),
    "events": list(ReportSubmissionEvent.objects.values_list("to_state", "note")),
    "notifications": sorted(Notification.objects.values_list("kind", "task__title",
        "submission__agency__code", "digest__kind")),
    "content_types": sorted(ContentType.objects.filter(
        model__in=["reportsubmission", "notification"]).values_list("app_label", "model")),
    "may_change_any": officer.has_perm("reporting.change_reportsubmission"),
    "may_change_this": officer.has_perm("reporting.change_reportsubmission", submission),
}))
"""


@pytest.mark.skipif(
    "postgresql" in settings.DATABASES["default"]["ENGINE"],
    reason="the migration is checked in the SQLite run (a database file of its own)",
)
def test_reporting_and_notifications_keep_their_rows_and_permissions(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'previous.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "project.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["obligations"] == ["Báo cáo tháng"]
    assert data["members"] == ["KG-CA", "KG-HQ"]
    assert data["submissions"] == [["KG-CA", "returned", 7, 1]]
    assert data["events"] == [["returned", "Thiếu số liệu"]]
    assert data["notifications"] == [
        ["digest", None, None, None],
        ["reminder", "Tuần tra", None, "digest"],
        ["report_returned", None, "KG-CA", None],
    ]
    # Renamed, not duplicated: the permission rows follow the models to their new apps.
    assert data["content_types"] == [
        ["chasing", "notification"],
        ["reporting", "reportsubmission"],
    ]
    assert data["may_change_any"] is True
    assert data["may_change_this"] is True

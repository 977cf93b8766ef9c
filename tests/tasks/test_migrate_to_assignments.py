"""A database of the previous version migrates forward without losing anything: each lead's
part takes the state its task had (tasks 0008). Run in a separate process on a database file of
its own, so the test database's schema is never rolled back."""

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

OLD = [("tasks", "0006_permission_names"), ("workflows", "0001_flows"),
       ("agencies", "0001_initial"), ("documents", "0005_permission_names")]
executor = MigrationExecutor(connection)
executor.migrate(OLD)
apps = executor.loader.project_state(OLD).apps
Group = apps.get_model("auth", "Group")
Committee = apps.get_model("agencies", "Committee")
Agency = apps.get_model("agencies", "Agency")
User = apps.get_model("agencies", "User")
Directive = apps.get_model("documents", "Directive")
Task = apps.get_model("tasks", "Task")
Assignment = apps.get_model("tasks", "TaskAssignment")
Extension = apps.get_model("tasks", "Extension")
Report = apps.get_model("tasks", "TaskReport")
committee = Committee.objects.create(code="kg", name="BCĐ 389 tỉnh Kiên Giang", level="province")
def agency(code):
    return Agency.objects.create(code=code, name=code, short_name=code, kind="police",
                                 group=Group.objects.create(name=f"agency:{code}"))
ca, bdbp, hq = agency("KG-CA"), agency("KG-BDBP"), agency("KG-HQ")
officer = User.objects.create(username="bdbp", role="agency_officer", committee=committee, agency=bdbp)
office = User.objects.create(username="vp", role="secretariat", committee=committee)
directive = Directive.objects.create(committee=committee, doc_type="TB", number=1, symbol="TB-X",
    issuer_code="X", issued_on=dt.date(2024, 1, 5), subject="Kết luận", state="issued", year=2024)
now = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
def task(state, **extra):
    return Task.objects.create(directive=directive, title=state, state=state,
        deadline=dt.date(2024, 3, 31), due_at=dt.datetime(2024, 3, 31, 16, 59, tzinfo=dt.UTC),
        original_deadline=dt.date(2024, 2, 29), assigned_at=now, **extra)
reported = task("reported", officer=officer, acknowledged_at=now, reported_at=now)
done = task("completed", reported_at=now, result_reported_at=now, completed_at=now)
draft = task("draft")
for t in (reported, done, draft):
    Assignment.objects.create(task=t, agency=ca, role="lead")
    Assignment.objects.create(task=t, agency=bdbp, role="lead")
    Assignment.objects.create(task=t, agency=hq, role="support")
Extension.objects.create(task=reported, agency=bdbp, requested_by=officer,
    requested_deadline=dt.date(2024, 4, 30), reason="Chờ giám định", state="requested")
Report.objects.create(task=reported, kind="result", agency=bdbp, text="Kết quả",
    submitted_by=officer, outcome="pending")

call_command("migrate", verbosity=0)

from tasks.models import Extension, Task, TaskAssignment, TaskReport
rows = sorted(TaskAssignment.objects.values_list("task__title", "agency__code", "role", "state",
    "deadline", "original_deadline", "officer__username", "reported_at"))
print(json.dumps({
    "tasks": sorted(Task.objects.values_list("title", "state")),
    "parts": [[str(v) if v is not None else None for v in row] for row in rows],
    "extension": list(Extension.objects.values_list("assignment__agency__code", "assignment__task__title")),
    "report": list(TaskReport.objects.values_list("assignment__agency__code", flat=True)),
}))
"""


@pytest.mark.skipif(
    "postgresql" in settings.DATABASES["default"]["ENGINE"],
    reason="the migration is checked in the SQLite run (a database file of its own)",
)
def test_a_database_of_the_previous_version_migrates_forward(tmp_path):
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
    assert data["tasks"] == [
        ["completed", "completed"],
        ["draft", "draft"],
        ["reported", "assigned"],
    ]
    parts = {(title, code): rest for title, code, *rest in data["parts"]}
    # Only BĐBP reported the shared task: its part is "reported", Công an's is still in
    # progress (not credited with BĐBP's report); the co-ordinator is now "coordinating".
    assert parts[("reported", "KG-CA")][:4] == ["lead", "in_progress", "2024-03-31", "2024-02-29"]
    assert parts[("reported", "KG-CA")][5] is None  # no report time of its own
    assert parts[("reported", "KG-BDBP")][:5] == [
        "lead",
        "reported",
        "2024-03-31",
        "2024-02-29",
        "bdbp",  # the officer went with the part of the agency they belong to
    ]
    assert parts[("reported", "KG-CA")][4] is None
    assert parts[("reported", "KG-HQ")][:2] == ["coordinating", "assigned"]
    assert parts[("completed", "KG-CA")][:2] == ["lead", "accepted"]
    assert parts[("draft", "KG-BDBP")][:2] == ["lead", "draft"]
    assert data["extension"] == [["KG-BDBP", "reported"]]
    assert data["report"] == ["KG-BDBP"]

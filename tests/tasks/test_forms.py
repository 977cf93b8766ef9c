"""tasks/forms.py: what the task pages' forms show."""

import datetime as dt

from tasks.forms import contribution_label
from tasks.models import TaskReport
from tests.factories import AgencyFactory


def test_a_contribution_is_labelled_with_its_day_in_vietnam_not_in_utc():
    """Sent at 06:30 on 21/02 in Vietnam: 23:30 on 20/02 in UTC, as the database gives it back."""
    report = TaskReport(
        agency=AgencyFactory.build(name="Công an tỉnh", short_name=""),
        text="Đã  kiểm tra\n3 bến bãi",
        submitted_at=dt.datetime(2024, 2, 20, 23, 30, tzinfo=dt.UTC),
    )
    assert contribution_label(report) == "Công an tỉnh (21/02/2024): Đã kiểm tra 3 bến bãi"

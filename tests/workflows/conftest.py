import datetime as dt

import pytest
import time_machine
from viewflow.workflow.status import STATUS

from documents.actions import register_directive
from tasks.actions import create_task
from tasks.deadlines import VIETNAM
from workflows import services

from ..factories import UserFactory


def open_step(process, node):
    """The open step of `node` in `process` (exactly one)."""
    return process.task_set.get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def has_open_step(process, node):
    return process.task_set.filter(
        flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).exists()


@pytest.fixture
def deputy(committee):
    return UserFactory(username="photruongban", role="chair", committee=committee)


@pytest.fixture
def second_secretary(committee):
    return UserFactory(username="vanphong2", role="secretariat", committee=committee)


@pytest.fixture
def draft_directive(committee, secretariat, police, border_guard):
    """Thông báo kết luận with two tasks, registered (its flow waits at the breakdown)."""
    directive = register_directive(
        committee,
        by=secretariat,
        number="125/TB-VPUBND",
        doc_type="TB",
        subject="Kết luận của Trưởng Ban Chỉ đạo 389 tỉnh tại hội nghị sơ kết 9 tháng năm 2020",
        issued_on=dt.date(2020, 10, 7),
    )
    services.start_directive_flow(directive)
    create_task(
        directive,
        by=secretariat,
        ref="II.1",
        title="Tăng cường tuần tra, kiểm soát biên giới",
        lead=[border_guard],
        coordinating=[police],
        deadline=dt.date(2020, 12, 31),
    )
    create_task(
        directive,
        by=secretariat,
        ref="II.2",
        title="Đấu tranh với tội phạm buôn lậu thuốc lá",
        lead=[police],
        coordinating=[border_guard],
        deadline=dt.date(2020, 12, 31),
    )
    return directive


@pytest.fixture
def dispatched(draft_directive, secretariat, chair):
    """The directive's flow, approved and dispatched: each lead agency has its part."""
    return dispatch_flow(draft_directive, secretariat, chair)


def dispatch_flow(directive, secretariat, chair):
    process = services.start_directive_flow(directive)
    services.submit_breakdown(directive, by=secretariat)
    services.decide_task_list(directive, by=chair, approve=True)
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM), tick=False):
        services.dispatch(directive, by=secretariat)
    process.refresh_from_db()
    return process

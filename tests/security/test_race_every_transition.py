"""Twenty people do the same thing at the same moment, for every transition of a task, of an
agency's part, of an extension request and of a directive's flow: exactly one commits, the
other nineteen are told someone else acted first, nobody gets a 500, and the history (and any
notification or e-mail) is written once. PostgreSQL only (real row locks).

One set of people serves every case (made once for the module, committed, emptied at the end);
each case gets its own fresh task or directive, so the cases stay independent. Each transition
is raced twice: through the actions, every contender holding the object as its page showed it
(so the loser must be told of the conflict), and through the API, where the loser may also load
the object after the winner committed (then a refusal saying the state has moved is the right
answer too)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from agencies.models import User
from chasing.models import Notification
from documents.actions import register_directive
from documents.models import Directive, DirectiveEvent
from reporting import services as reporting
from reporting.models import ReportSubmission
from tasks import actions
from tasks.deadlines import VIETNAM as VN
from tasks.deadlines import today_in_vietnam
from tasks.models import Extension, Task, TaskAssignment, TaskEvent, TaskReport
from tests.factories import (
    AgencyFactory,
    CommitteeFactory,
    MembershipFactory,
    ReportingObligationFactory,
    UserFactory,
)
from tests.races import race
from workflows import services
from workflows.nodes import ALREADY_DONE, BUSY

# Each test runs in a transaction rolled back at its end; what the contenders share is made
# by committed() on another connection.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

N = 20
CONFLICT = "Someone else acted on this first. Reload the page to see what changed."
# A flow step found done (or gone) under the flow lock is the flow's way of saying the same.
# (Messages stay lazy here: they are compared in the language the test runs in.)
STEP_DONE = (ALREADY_DONE, BUSY)
EXTENSION_DECIDED = actions.EXTENSION_DECIDED
EXTENSION_PENDING = actions.EXTENSION_PENDING


@dataclass
class Side:
    """A committee with one lead agency, a co-ordinating one, and twenty of each role."""

    committee: object
    lead: object
    other: object
    officers: list = field(default_factory=list)
    heads: list = field(default_factory=list)
    secretaries: list = field(default_factory=list)
    chairs: list = field(default_factory=list)
    counter: int = 0


def make_side(code: str, head_sign_off: bool) -> Side:
    committee = CommitteeFactory(code=code, reports_need_head_approval=head_sign_off)
    lead = AgencyFactory(code=f"{code}-ca", name=f"Công an {code}")
    other = AgencyFactory(code=f"{code}-bp", name=f"Biên phòng {code}")
    for agency in (lead, other):
        MembershipFactory(committee=committee, agency=agency)
    side = Side(committee, lead, other)
    roles = {
        "officers": ("agency_officer", "canbo", lead),
        "heads": ("agency_head", "lanhdao", lead),
        "secretaries": ("secretariat", "vanphong", None),
        "chairs": ("chair", "truongban", None),
    }
    for attr, (role, name, agency) in roles.items():
        # No password (nobody logs in: the API is called as each of them), so no hashing.
        users = [
            User(
                username=f"{code}.{name}{n}",
                full_name=f"Nguyễn Văn {name} {n}",
                role=role,
                committee=committee,
                agency=agency,
                email=f"{code}.{name}{n}@example.vn" if role == "agency_officer" else "",
                password="!",
            )
            for n in range(N)
        ]
        setattr(side, attr, User.objects.bulk_create(users))
    return side


def committed(make: Callable, *args):
    """Run `make` on a connection of its own, in autocommit: the test's own connection is
    inside a transaction the contenders (other connections) could not see into."""
    result: list = []

    def run() -> None:
        try:
            result.append(make(*args))
        except Exception as exc:
            result.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if isinstance(result[0], Exception):
        raise result[0]
    return result[0]


@pytest.fixture(scope="module")
def sides(django_db_setup, django_db_blocker):
    """The people, made once and committed; the database is emptied after the module, as a
    transactional test would (TRUNCATE passes the history triggers)."""
    with django_db_blocker.unblock():
        yield {
            False: committed(make_side, "race-a", False),  # reports go to the office
            True: committed(make_side, "race-b", True),  # the head signs reports off first
        }
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def plain(sides):
    return sides[False]


@pytest.fixture
def side_for(sides):
    return sides.__getitem__


# ---- making the objects each case starts from


def new_directive(side: Side, *, leads: list | None = None) -> Directive:
    """A registered directive with one task, its flow waiting at the breakdown."""
    side.counter += 1
    by = side.secretaries[0]
    directive = register_directive(
        side.committee,
        by=by,
        number=f"{side.counter}/TB-{side.committee.code}",
        subject=f"Kết luận số {side.counter}",
        issued_on=today_in_vietnam() - dt.timedelta(days=1),
    )
    services.start_directive_flow(directive)
    actions.create_task(
        directive,
        by=by,
        title="Kiểm tra hàng nhập lậu",
        lead=leads or [side.lead],
        coordinating=[side.other] if leads is None else [],
        deadline=today_in_vietnam() + dt.timedelta(days=90),
    )
    return directive


def submitted(side: Side) -> Directive:
    directive = new_directive(side)
    services.submit_breakdown(directive, by=side.secretaries[0])
    return directive


def issued(side: Side) -> Directive:
    directive = submitted(side)
    services.decide_task_list(directive, by=side.chairs[0], approve=True)
    return directive


def dispatched(side: Side, *, leads: list | None = None) -> Task:
    directive = new_directive(side, leads=leads)
    services.submit_breakdown(directive, by=side.secretaries[0])
    services.decide_task_list(directive, by=side.chairs[0], approve=True)
    services.dispatch(directive, by=side.secretaries[0])
    return directive.tasks.get()


def part_of(task: Task, side: Side) -> TaskAssignment:
    return TaskAssignment.objects.get(task=task, agency=side.lead)


def assigned(side: Side) -> TaskAssignment:
    return part_of(dispatched(side), side)


def in_progress(side: Side) -> TaskAssignment:
    return actions.acknowledge(assigned(side), by=side.officers[0])


def awaiting_head(side: Side) -> TaskAssignment:
    part = in_progress(side)
    actions.submit_report(part, by=side.officers[0], text="Dự thảo báo cáo")
    return TaskAssignment.objects.get(pk=part.pk)


def reported(side: Side) -> TaskAssignment:
    part = in_progress(side)
    actions.submit_report(part, by=side.officers[0], text="Kết quả")
    return TaskAssignment.objects.get(pk=part.pk)


def returned(side: Side) -> TaskAssignment:
    part = actions.return_report(reported(side), by=side.secretaries[0], reason="Thiếu số liệu")
    return TaskAssignment.objects.get(pk=part.pk)


def requested(side: Side) -> Extension:
    part = in_progress(side)
    return services.request_extension(
        part, by=side.officers[0], new_deadline=part.deadline + dt.timedelta(days=30), reason="Chờ"
    )


def all_done(side: Side) -> Directive:
    task = dispatched(side)
    part = actions.acknowledge(part_of(task, side), by=side.officers[0])
    actions.submit_report(part, by=side.officers[0], text="Xong")
    actions.accept_report(TaskAssignment.objects.get(pk=part.pk), by=side.secretaries[0])
    return task.directive


# ---- racing


def api_race(requests: list[tuple[object, str, dict]]) -> list[tuple[int, str]]:
    """POST (user, url, data) requests at the same moment; return (status, detail) of each."""
    clients = []
    for user, _url, _data in requests:
        client = APIClient()
        client.force_authenticate(user)
        clients.append(client)
    barrier = threading.Barrier(len(requests))
    answers: list[tuple[int, str]] = [(0, "")] * len(requests)

    def run(index: int) -> None:
        _user, url, data = requests[index]
        try:
            barrier.wait(timeout=30)
            response = clients[index].post(url, data, format="json")
            detail = response.json().get("detail", "") if response.status_code >= 400 else ""
            answers[index] = (response.status_code, str(detail))
        except Exception as exc:
            answers[index] = (599, repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def assert_one_won(outcomes: list[str], refusals) -> None:
    refusals = {str(r) for r in refusals}
    counts = Counter(outcomes)
    assert counts["won"] == 1, counts
    assert set(counts) - {"won"} <= refusals, counts


def assert_one_answered(answers: list[tuple[int, str]], refusals, ok: int = 200) -> None:
    """One success; every other answer a refusal a person can read (409, or 400 saying the
    state has moved on), never a 5xx."""
    refusals = {str(r) for r in refusals}
    codes = Counter(code for code, _ in answers)
    assert codes[ok] == 1, answers
    assert not [a for a in answers if a[0] >= 500], answers
    for code, detail in answers:
        if code != ok:
            assert code in (400, 409), answers
            assert detail in refusals or "is not possible now" in detail, answers


def transitions(task: Task, to_value: str, agency: object | None = None) -> int:
    events = TaskEvent.objects.filter(task=task, kind="transition", to_value=to_value)
    return events.filter(agency=agency).count() if agency is not None else events.count()


# ---- an agency's part, through the actions and through the API


@dataclass(frozen=True)
class PartCase:
    name: str
    signed: bool  # which committee: the head signs reports off first
    start: Callable[[Side], TaskAssignment]
    people: str  # officers, heads, secretaries
    act: Callable[[TaskAssignment, object, int], object]
    api: Callable[[TaskAssignment, object, int], tuple[str, dict]] | None
    end_states: tuple[str, ...]
    refusals: tuple = (CONFLICT,)

    def __str__(self) -> str:
        return self.name


def _task_url(part: TaskAssignment, action: str) -> str:
    return f"/api/tasks/{part.task_id}/{action}/"


def _named_url(part: TaskAssignment, action: str) -> str:
    return f"/api/tasks/{part.task_id}/assignments/{part.agency.code}/{action}/"


def _half(first: Callable, second: Callable) -> Callable:
    """Half the contenders do one thing, the other half the other."""
    return lambda part, by, i: (first if i % 2 == 0 else second)(part, by, i)


def _accept(part, by, i):
    return actions.accept_report(part, by=by, note=f"Đồng ý {i}")


def _return(part, by, i):
    return actions.return_report(part, by=by, reason=f"Thiếu {i}")


def _sign_off(part, by, i):
    return actions.sign_off_report(part, by=by, note=f"Ký {i}")


def _send_back(part, by, i):
    return actions.send_back_report(part, by=by, reason=f"Sửa {i}")


PART_CASES = [
    PartCase(
        "acknowledge",
        False,
        assigned,
        "officers",
        lambda part, by, i: actions.acknowledge(part, by=by),
        lambda part, by, i: (_task_url(part, "acknowledge"), {}),
        ("in_progress",),
    ),
    PartCase(
        "report",
        False,
        in_progress,
        "officers",
        lambda part, by, i: actions.submit_report(part, by=by, text=f"Kết quả {i}"),
        lambda part, by, i: (_task_url(part, "report"), {"text": f"Kết quả {i}"}),
        ("reported",),
    ),
    PartCase(
        "report_to_the_head",
        True,
        in_progress,
        "officers",
        lambda part, by, i: actions.submit_report(part, by=by, text=f"Dự thảo {i}"),
        lambda part, by, i: (_task_url(part, "report"), {"text": f"Dự thảo {i}"}),
        ("awaiting_head",),
        # A loser that finds the draft already with the head is told so.
        (CONFLICT, actions.AWAITING_HEAD_FIRST),
    ),
    PartCase(
        "head_signs_off",
        True,
        awaiting_head,
        "heads",
        _sign_off,
        lambda part, by, i: (_task_url(part, "sign-off"), {"text": f"Ký {i}"}),
        ("reported",),
        (CONFLICT, actions.NOT_AWAITING_HEAD),
    ),
    PartCase(
        "head_sends_back",
        True,
        awaiting_head,
        "heads",
        _send_back,
        lambda part, by, i: (_task_url(part, "send-back"), {"text": f"Sửa {i}"}),
        ("in_progress",),
        (CONFLICT, actions.NOT_AWAITING_HEAD),
    ),
    PartCase(
        "head_signs_off_or_sends_back",
        True,
        awaiting_head,
        "heads",
        _half(_sign_off, _send_back),
        lambda part, by, i: (
            _task_url(part, "sign-off" if i % 2 == 0 else "send-back"),
            {"text": f"Ý kiến {i}"},
        ),
        ("reported", "in_progress"),
        (CONFLICT, actions.NOT_AWAITING_HEAD),
    ),
    PartCase(
        "accept",
        False,
        reported,
        "secretaries",
        _accept,
        lambda part, by, i: (_named_url(part, "accept"), {"text": f"Đồng ý {i}"}),
        ("accepted",),
    ),
    PartCase(
        "return",
        False,
        reported,
        "secretaries",
        _return,
        lambda part, by, i: (_named_url(part, "return"), {"text": f"Thiếu {i}"}),
        ("returned",),
    ),
    PartCase(
        "accept_or_return",
        False,
        reported,
        "secretaries",
        _half(_accept, _return),
        lambda part, by, i: (
            _named_url(part, "accept" if i % 2 == 0 else "return"),
            {"text": f"Ý kiến {i}"},
        ),
        ("accepted", "returned"),
    ),
    PartCase(
        "report_again_after_return",
        False,
        returned,
        "officers",
        lambda part, by, i: actions.submit_report(part, by=by, text=f"Bổ sung {i}"),
        lambda part, by, i: (_task_url(part, "report"), {"text": f"Bổ sung {i}"}),
        ("reported",),
    ),
]


def _people(side: Side, case: PartCase) -> list:
    return getattr(side, case.people)


def _since(pk: int):
    return TaskEvent.objects.filter(pk__gt=pk)


def _last_event() -> int:
    return TaskEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _last_report() -> int:
    return TaskReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _check_part(part: TaskAssignment, case: PartCase, events_before: int, reports_before: int):
    """One transition of the part committed, with the entries that go with it, once."""
    part.refresh_from_db()
    assert part.state in case.end_states
    new = _since(events_before).filter(task=part.task_id)
    moves = list(
        new.filter(kind="transition", agency=part.agency).values_list("to_value", flat=True)
    )
    assert moves == [part.state]
    extra = Counter(new.exclude(kind="transition").values_list("kind", flat=True))
    expected = {
        "acknowledge": {"officer": 1},
        "head_signs_off": {"head_approved": 1},
        "head_sends_back": {"head_sent_back": 1},
        "head_signs_off_or_sends_back": {
            "head_approved" if part.state == "reported" else "head_sent_back": 1
        },
    }.get(case.name, {})
    assert dict(extra) == expected
    if part.state == "accepted":
        task = Task.objects.get(pk=part.task_id)
        assert task.state == "completed"
        assert list(new.filter(agency=None).values_list("to_value", flat=True)) == ["completed"]
    else:
        assert not new.filter(agency=None).exists()
    created = TaskReport.objects.filter(pk__gt=reports_before, assignment=part)
    reporting = case.name.startswith("report")
    assert created.count() == (1 if reporting else 0)


@pytest.mark.parametrize("case", PART_CASES, ids=str)
def test_twenty_at_once_through_the_actions(side_for, case):
    side = side_for(case.signed)
    part = committed(case.start, side)
    people = _people(side, case)
    events, reports = _last_event(), _last_report()
    outcomes = race(
        lambda: TaskAssignment.objects.get(pk=part.pk),
        [lambda p, by=by, i=i: case.act(p, by, i) for i, by in enumerate(people)],
    )
    assert_one_won(outcomes, case.refusals)
    _check_part(part, case, events, reports)


@pytest.mark.parametrize("case", PART_CASES, ids=str)
def test_twenty_at_once_through_the_api(side_for, case):
    side = side_for(case.signed)
    part = committed(case.start, side)
    events, reports = _last_event(), _last_report()
    requests = [(by, *case.api(part, by, i)) for i, by in enumerate(_people(side, case))]
    assert_one_answered(api_race(requests), case.refusals)
    _check_part(part, case, events, reports)


def test_twenty_leads_accepted_at_once_complete_the_task_once(plain):
    """Each of twenty lead agencies' parts accepted by a different person at the same moment:
    every acceptance commits, and the task is completed exactly once."""
    side = plain

    def twenty_reported_leads() -> tuple[Task, list[TaskAssignment]]:
        leads = [side.lead]
        reporters = {side.lead.pk: side.officers[0]}
        for n in range(N - 1):
            agency = AgencyFactory(code=f"race-lead-{n}")
            MembershipFactory(committee=side.committee, agency=agency)
            leads.append(agency)
            reporters[agency.pk] = UserFactory(
                username=f"race.lead{n}",
                role="agency_officer",
                committee=side.committee,
                agency=agency,
            )
        task = dispatched(side, leads=leads)
        parts = list(TaskAssignment.objects.filter(task=task, role="lead").order_by("pk"))
        for part in parts:
            by = reporters[part.agency_id]
            actions.submit_report(actions.acknowledge(part, by=by), by=by, text="Xong")
        return task, parts

    task, parts = committed(twenty_reported_leads)
    barrier = threading.Barrier(N)
    outcomes: list[str] = [""] * N

    def accept(index: int, pk: int) -> None:
        try:
            part = TaskAssignment.objects.get(pk=pk)
            barrier.wait(timeout=30)
            actions.accept_report(part, by=side.secretaries[index])
            outcomes[index] = "won"
        except Exception as exc:
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i, p.pk)) for i, p in enumerate(parts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == ["won"] * N
    task.refresh_from_db()
    assert task.state == "completed"
    assert transitions(task, "completed") == 1
    assert transitions(task, "accepted") == N


# ---- the task itself


def test_twenty_cancel_a_task_at_once(plain):
    side = plain
    task = committed(dispatched, side)
    outcomes = race(
        lambda: Task.objects.get(pk=task.pk),
        [
            lambda t, by=by, i=i: actions.cancel_task(t, by=by, reason=f"Trùng {i}")
            for i, by in enumerate(side.secretaries)
        ],
    )
    assert_one_won(outcomes, (CONFLICT,))
    task.refresh_from_db()
    assert task.state == "cancelled"
    assert TaskEvent.objects.filter(task=task, to_value="cancelled", agency=None).count() == 1
    # each agency's part cancelled once, by the one who won
    for part in task.assignments.all():
        assert part.state == "cancelled"
        assert transitions(task, "cancelled", part.agency) == 1


def test_twenty_remove_a_draft_task_at_once(plain):
    side = plain
    directive = committed(new_directive, side)
    task = directive.tasks.get()
    outcomes = race(
        lambda: Task.objects.get(pk=task.pk),
        [lambda t, by=by: actions.delete_draft_task(t, by=by) for by in side.secretaries],
    )
    assert_one_won(outcomes, (CONFLICT,))
    assert transitions(task, "cancelled") == 1


def test_twenty_urge_at_once_each_urge_notified_and_mailed_once(plain):
    """Urging is not a transition: each of the twenty urges is its own entry and its own
    message (tests/tasks/test_urge.py). What must not happen: a message twice, or a 500."""
    side = plain
    part = committed(in_progress, side)
    mail.outbox.clear()
    requests = [
        (by, _task_url(part, "urge"), {"text": f"Đề nghị báo cáo {i}"})
        for i, by in enumerate(side.secretaries)
    ]
    answers = api_race(requests)
    assert [code for code, _ in answers] == [200] * N, answers
    urges = TaskEvent.objects.filter(task=part.task, kind="urged")
    assert urges.count() == N
    notified = Notification.objects.filter(kind="urged", task=part.task)
    # every person of the lead agency, once per urge
    people = len(side.officers) + len(side.heads)
    assert notified.count() == N * people
    assert notified.values("recipient", "period").distinct().count() == N * people
    assert {n.period for n in notified} == {f"event:{e.pk}" for e in urges}
    # the officers have addresses: each urge reaches each of them by e-mail once
    mailed = Counter((m.to[0], m.subject, m.body) for m in mail.outbox)
    assert len(mail.outbox) == N * len(side.officers)
    assert set(mailed.values()) == {1}


# ---- extension requests


def _deciders(side: Side) -> list:
    return side.chairs  # the committee's default: the chair decides


def test_twenty_ask_for_an_extension_at_once_make_one(plain):
    side = plain
    part = committed(in_progress, side)
    later = part.deadline + dt.timedelta(days=30)
    outcomes = race(
        lambda: TaskAssignment.objects.get(pk=part.pk),
        [
            lambda p, by=by: services.request_extension(
                p, by=by, new_deadline=later, reason="Chờ giám định"
            )
            for by in side.officers
        ],
    )
    assert_one_won(outcomes, (CONFLICT, EXTENSION_PENDING))
    assert Extension.objects.filter(assignment=part).count() == 1
    assert TaskEvent.objects.filter(task=part.task, kind="extension_requested").count() == 1


def test_twenty_ask_for_an_extension_through_the_api_at_once(plain):
    side = plain
    part = committed(in_progress, side)
    later = (part.deadline + dt.timedelta(days=30)).isoformat()
    requests = [
        (by, _task_url(part, "request-extension"), {"new_deadline": later, "reason": "Chờ"})
        for by in side.officers
    ]
    assert_one_answered(api_race(requests), (CONFLICT, EXTENSION_PENDING), ok=201)
    assert Extension.objects.filter(assignment=part).count() == 1
    assert TaskEvent.objects.filter(task=part.task, kind="extension_requested").count() == 1


DECISIONS = {
    "approve": lambda e, by, i: services.decide_extension(e, by=by, approve=True, note=f"Ok {i}"),
    "reject": lambda e, by, i: services.decide_extension(
        e, by=by, approve=False, note=f"Không {i}"
    ),
    "approve_or_reject": lambda e, by, i: services.decide_extension(
        e, by=by, approve=i % 2 == 0, note=f"Ý kiến {i}"
    ),
}


def _check_decided(extension: Extension) -> None:
    extension.refresh_from_db()
    assert extension.state in ("approved", "rejected")
    kinds = Counter(TaskEvent.objects.filter(task=extension.task_id).values_list("kind", flat=True))
    if extension.state == "approved":
        assert (kinds["extension_approved"], kinds["extension_rejected"]) == (1, 0)
        part = TaskAssignment.objects.get(pk=extension.assignment_id)
        assert part.deadline == extension.requested_deadline
        assert part.original_deadline == extension.current_deadline
    else:
        assert (kinds["extension_approved"], kinds["extension_rejected"]) == (0, 1)


@pytest.mark.parametrize("decision", list(DECISIONS))
def test_twenty_decide_an_extension_at_once(plain, decision):
    side = plain
    extension = committed(requested, side)
    outcomes = race(
        lambda: Extension.objects.get(pk=extension.pk),
        [
            lambda e, by=by, i=i: DECISIONS[decision](e, by, i)
            for i, by in enumerate(_deciders(side))
        ],
    )
    assert_one_won(outcomes, (CONFLICT, EXTENSION_DECIDED, *STEP_DONE))
    _check_decided(extension)


@pytest.mark.parametrize("decision", ["approve", "reject", "approve_or_reject"])
def test_twenty_decide_an_extension_through_the_api_at_once(plain, decision):
    side = plain
    extension = committed(requested, side)

    def verb(i: int) -> str:
        return decision if decision != "approve_or_reject" else ("approve", "reject")[i % 2]

    requests = [
        (by, f"/api/extensions/{extension.pk}/{verb(i)}/", {"text": f"Ý kiến {i}"})
        for i, by in enumerate(_deciders(side))
    ]
    assert_one_answered(api_race(requests), (CONFLICT, EXTENSION_DECIDED, *STEP_DONE))
    _check_decided(extension)


# ---- the directive's flow


def _not_at(node_title: str) -> str:
    return str(services.NOT_AT_STEP % {"step": node_title})


@dataclass(frozen=True)
class FlowCase:
    name: str
    start: Callable[[Side], Directive]
    people: str
    act: Callable[[Directive, object, int], object]
    step: str  # the step's title, for "not at this step now"
    from_state: str
    end_states: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


def _approve(d, by, i):
    return services.decide_task_list(d, by=by, approve=True, note=f"Duyệt {i}")


def _return_list(d, by, i):
    return services.decide_task_list(d, by=by, approve=False, note=f"Bổ sung {i}")


FLOW_CASES = [
    FlowCase(
        "submit_the_breakdown",
        new_directive,
        "secretaries",
        lambda d, by, i: services.submit_breakdown(d, by=by, note=f"Trình {i}"),
        "Break down into tasks",
        "draft",
        ("awaiting_approval",),
    ),
    FlowCase(
        "approve_the_list",
        submitted,
        "chairs",
        _approve,
        "Approve the task list",
        "awaiting_approval",
        ("issued",),
    ),
    FlowCase(
        "return_the_list",
        submitted,
        "chairs",
        _return_list,
        "Approve the task list",
        "awaiting_approval",
        ("draft",),
    ),
    FlowCase(
        "approve_or_return_the_list",
        submitted,
        "chairs",
        _half(_approve, _return_list),
        "Approve the task list",
        "awaiting_approval",
        ("issued", "draft"),
    ),
    FlowCase(
        "dispatch",
        issued,
        "secretaries",
        lambda d, by, i: services.dispatch(d, by=by),
        "Dispatch the tasks",
        "issued",
        ("issued",),
    ),
    FlowCase(
        "close",
        all_done,
        "secretaries",
        lambda d, by, i: services.close(d, by=by, summary=f"Hoàn thành {i}"),
        "Close the directive",
        "issued",
        ("closed",),
    ),
]


@pytest.mark.parametrize("case", FLOW_CASES, ids=str)
def test_twenty_at_once_on_the_directive_flow(plain, case):
    from workflows.flows import DirectiveFlow

    side = plain
    directive = committed(case.start, side)
    titles = {
        node.task_title
        for node in (
            DirectiveFlow.break_down,
            DirectiveFlow.approve,
            DirectiveFlow.dispatch,
            DirectiveFlow.close,
        )
    }
    assert case.step in {str(t) for t in titles}
    outcomes = race(
        lambda: Directive.objects.get(pk=directive.pk),
        [
            lambda d, by=by, i=i: case.act(d, by, i)
            for i, by in enumerate(getattr(side, case.people))
        ],
    )
    assert_one_won(outcomes, (CONFLICT, *STEP_DONE, _not_at(case.step)))
    directive.refresh_from_db()
    assert directive.state in case.end_states
    events = DirectiveEvent.objects.filter(directive=directive)
    if case.name == "dispatch":
        assert events.filter(kind="dispatched").count() == 1
        task = directive.tasks.get()
        assert task.state == "assigned"
        dispatched_events = TaskEvent.objects.filter(task=task, from_value="draft")
        assert dispatched_events.filter(agency=None).count() == 1
        for part in task.assignments.all():
            assert dispatched_events.filter(agency=part.agency).count() <= 1
    else:
        assert events.filter(kind="transition", from_state=case.from_state).count() == 1


# ---- periodic reports (a member's report for a period)

FIGURES = dict.fromkeys(
    ["cases_detected", "admin_cases", "goods_value", "budget_collected", "criminal_cases"]
    + ["defendants"],
    0,
)


def periodic(side: Side, state: str = "due") -> ReportSubmission:
    """The lead agency's report for a period of a new monthly obligation, in `state`."""
    obligation = ReportingObligationFactory(committee=side.committee, starts_on=dt.date(2024, 1, 1))
    obligation.members.add(side.lead)
    with time_machine.travel(dt.datetime(2024, 3, 1, 8, tzinfo=VN), tick=False):
        reporting.create_due_submissions()
    submission = ReportSubmission.objects.filter(
        period__obligation=obligation, agency=side.lead
    ).earliest("period__index")
    if state in ("submitted", "returned"):
        reporting.submit_periodic_report(submission, by=side.officers[0], figures=FIGURES)
    if state == "returned":
        reporting.return_periodic_report(submission, by=side.secretaries[0], reason="Thiếu")
    return ReportSubmission.objects.get(pk=submission.pk)


def _submit(s, by, i):
    return reporting.submit_periodic_report(s, by=by, figures=FIGURES, narrative=f"Lần {i}")


def _accept_periodic(s, by, i):
    return reporting.accept_periodic_report(s, by=by, note=f"Đồng ý {i}")


def _return_periodic(s, by, i):
    return reporting.return_periodic_report(s, by=by, reason=f"Thiếu {i}")


PERIODIC_CASES = {
    "submit": ("due", "officers", _submit, ("submitted",)),
    "resubmit": ("returned", "officers", _submit, ("resubmitted",)),
    "accept": ("submitted", "secretaries", _accept_periodic, ("accepted",)),
    "return": ("submitted", "secretaries", _return_periodic, ("returned",)),
    "accept_or_return": (
        "submitted",
        "secretaries",
        _half(_accept_periodic, _return_periodic),
        ("accepted", "returned"),
    ),
}


@pytest.mark.parametrize("name", list(PERIODIC_CASES))
def test_twenty_at_once_on_a_periodic_report(plain, name):
    state, people, act, end_states = PERIODIC_CASES[name]
    submission = committed(periodic, plain, state)
    events_before = submission.events.count()
    returned_before = Notification.objects.filter(submission=submission).count()
    outcomes = race(
        lambda: ReportSubmission.objects.get(pk=submission.pk),
        [lambda s, by=by, i=i: act(s, by, i) for i, by in enumerate(getattr(plain, people))],
    )
    assert_one_won(outcomes, (CONFLICT,))
    submission.refresh_from_db()
    assert submission.state in end_states
    new = list(submission.events.order_by("pk")[events_before:])
    assert [(e.from_state, e.to_state) for e in new] == [(state, submission.state)]
    told = Notification.objects.filter(submission=submission).count() - returned_before
    if submission.state == "returned":
        # the agency's people are told once each
        assert told == len(plain.officers) + len(plain.heads)
    else:
        assert told == 0

"""Who may do what on tasks and assignments, decided from the assignments themselves.

A lead agency's staff work on their own part (acknowledge, report, ask for an extension); its
head signs reports off; a co-ordinating agency's staff post contributions; the committee's
standing office reviews, urges and manages; whoever the committee names decides extensions.
Lists ask `Task.objects.visible_to(user)` (tasks/querysets.py), single objects these predicates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agencies.permissions import (
    is_admin,
    is_agency_head_of,
    is_chair_of,
    is_committee_staff,
    is_secretariat_of,
    is_staff_of_agency,
)

if TYPE_CHECKING:
    from .models import Extension, Task, TaskAssignment


def committee_id_of(task: Task) -> int | None:
    return task.directive.committee_id


def can_manage_task(task: Task, user: Any) -> bool:
    """The committee's standing office: dispatch, review, urge, change agencies, cancel."""
    return is_secretariat_of(user, committee_id_of(task)) or is_admin(user)


def can_view_task(task: Task, user: Any) -> bool:
    return type(task).objects.visible_to(user).filter(pk=task.pk).exists()


def can_work_on(assignment: TaskAssignment, user: Any) -> bool:
    """The lead agency's own staff acknowledge, report and ask for extensions on its part."""
    return assignment.role == "lead" and is_staff_of_agency(user, assignment.agency_id)


def can_sign_off(assignment: TaskAssignment, user: Any) -> bool:
    """The lead agency's head sends an officer's report on, or back."""
    return assignment.role == "lead" and is_agency_head_of(user, assignment.agency_id)


def can_contribute(assignment: TaskAssignment, user: Any) -> bool:
    """A co-ordinating agency's staff post contributions the lead can use (not once the
    agency has been taken off the task)."""
    return (
        assignment.role == "coordinating"
        and assignment.state != "cancelled"
        and is_staff_of_agency(user, assignment.agency_id)
    )


def can_request_extension(assignment: TaskAssignment, user: Any) -> bool:
    return can_work_on(assignment, user)


def can_comment_task(task: Task, user: Any) -> bool:
    if is_committee_staff(user, committee_id_of(task)) or is_admin(user):
        return True
    agency_id = getattr(user, "agency_id", None)
    return (
        agency_id is not None
        and is_staff_of_agency(user, agency_id)
        and task.state != "draft"
        and task.assignments.filter(agency_id=agency_id).exclude(state="cancelled").exists()
    )


def can_decide_extension(extension: Extension, user: Any) -> bool:
    committee = extension.task.directive.committee
    if committee.extension_approver == "secretariat":
        return is_secretariat_of(user, committee.pk) or is_admin(user)
    return is_chair_of(user, committee.pk) or is_admin(user)


def own_assignment(task: Task, user: Any) -> TaskAssignment | None:
    """The part of `task` that belongs to this person's agency, if any (from the prefetched
    assignments when there are some)."""
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None or not is_staff_of_agency(user, agency_id):
        return None
    for assignment in task.assignments.all():
        if assignment.agency_id == agency_id:
            return assignment
    return None

"""Who may see and do what: the one permission layer.

Role checks (secretariat and chair act for their committee) plus guardian object permissions
granted to agency groups when a task is assigned (a few rows per task, not one per user).
Lists decide visibility with one indexed EXISTS subquery; single objects with these predicates.
Every view, download, export, flow and API endpoint goes through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, QuerySet

if TYPE_CHECKING:
    from documents.models import Directive
    from tasks.models import Extension, Task

    from .models import User

LEAD_PERMISSIONS = ("view_task", "report_task", "comment_task")
SUPPORT_PERMISSIONS = ("view_task", "comment_task")


def _active(user) -> bool:  # noqa: ANN001
    return bool(user and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:  # noqa: ANN001
    return _active(user) and (user.is_superuser or user.role == "admin")


def is_secretariat_of(user, committee_id: int | None) -> bool:  # noqa: ANN001
    return _active(user) and user.role == "secretariat" and user.committee_id == committee_id


def is_chair_of(user, committee_id: int | None) -> bool:  # noqa: ANN001
    return _active(user) and user.role == "chair" and user.committee_id == committee_id


def is_committee_staff(user, committee_id: int | None) -> bool:  # noqa: ANN001
    return is_secretariat_of(user, committee_id) or is_chair_of(user, committee_id)


# ---- directives


def can_manage_directive(directive: Directive, user: User) -> bool:
    return is_secretariat_of(user, directive.committee_id) or is_admin(user)


def can_approve_directive(directive: Directive, user: User) -> bool:
    return is_chair_of(user, directive.committee_id) or is_admin(user)


def visible_directives(queryset: QuerySet, user: User) -> QuerySet:
    if not _active(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    if user.role in ("secretariat", "chair"):
        return queryset.filter(committee_id=user.committee_id)
    if user.role in ("agency_officer", "agency_head") and user.agency_id:
        grants = apps.get_model("documents", "DirectiveGroupObjectPermission").objects.filter(
            group_id=user.agency.group_id,
            permission__codename="view_directive",
            content_object=OuterRef("pk"),
        )
        return queryset.filter(Exists(grants))
    return queryset.none()


def can_view_directive(directive: Directive, user: User) -> bool:
    model = type(directive)
    return visible_directives(model.objects.filter(pk=directive.pk), user).exists()


# ---- tasks


def can_manage_task(task: Task, user: User) -> bool:
    committee_id = task.directive.committee_id
    return is_secretariat_of(user, committee_id) or is_admin(user)


def _agency_has(task: Task, user: User, codename: str) -> bool:
    if not (_active(user) and user.role in ("agency_officer", "agency_head") and user.agency_id):
        return False
    return (
        apps.get_model("tasks", "TaskGroupObjectPermission")
        .objects.filter(
            group_id=user.agency.group_id,
            permission__codename=codename,
            content_object_id=task.pk,
        )
        .exists()
    )


def can_report_task(task: Task, user: User) -> bool:
    """The lead agency's staff acknowledge, report and ask for extensions."""
    return _agency_has(task, user, "report_task")


def can_comment_task(task: Task, user: User) -> bool:
    return (
        _agency_has(task, user, "comment_task")
        or is_committee_staff(user, task.directive.committee_id)
        or is_admin(user)
    )


def visible_tasks(queryset: QuerySet, user: User) -> QuerySet:
    if not _active(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    if user.role in ("secretariat", "chair"):
        return queryset.filter(directive__committee_id=user.committee_id)
    if user.role in ("agency_officer", "agency_head") and user.agency_id:
        grants = apps.get_model("tasks", "TaskGroupObjectPermission").objects.filter(
            group_id=user.agency.group_id,
            permission__codename="view_task",
            content_object=OuterRef("pk"),
        )
        return queryset.filter(Exists(grants))
    return queryset.none()


def can_view_task(task: Task, user: User) -> bool:
    model = type(task)
    return visible_tasks(model.objects.filter(pk=task.pk), user).exists()


def can_request_extension(task: Task, user: User) -> bool:
    return can_report_task(task, user)


def can_decide_extension(extension: Extension, user: User) -> bool:
    committee = extension.task.directive.committee
    if committee.extension_approver == "secretariat":
        return is_secretariat_of(user, committee.pk) or is_admin(user)
    return is_chair_of(user, committee.pk) or is_admin(user)


# ---- granting


def _permissions(model_label: str, codenames: tuple[str, ...]) -> list[Permission]:
    app_label, model_name = model_label.split(".")
    return list(
        Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model_name,
            codename__in=codenames,
        )
    )


def grant_task_to_agency(task: Task, agency, role: str) -> None:  # noqa: ANN001
    """Give an agency's group its rights on a task, and sight of the task's directive."""
    codenames = LEAD_PERMISSIONS if role == "lead" else SUPPORT_PERMISSIONS
    task_model = apps.get_model("tasks", "TaskGroupObjectPermission")
    directive_model = apps.get_model("documents", "DirectiveGroupObjectPermission")
    task_model.objects.bulk_create(
        [
            task_model(group_id=agency.group_id, permission=permission, content_object=task)
            for permission in _permissions("tasks.task", codenames)
        ],
        ignore_conflicts=True,
    )
    directive_model.objects.bulk_create(
        [
            directive_model(
                group_id=agency.group_id, permission=permission, content_object=task.directive
            )
            for permission in _permissions("documents.directive", ("view_directive",))
        ],
        ignore_conflicts=True,
    )


def revoke_task_from_agency(task: Task, agency) -> None:  # noqa: ANN001
    """Take an agency's rights on a task away (its sight of the directive stays if it has
    other tasks there)."""
    task_model = apps.get_model("tasks", "TaskGroupObjectPermission")
    task_model.objects.filter(group_id=agency.group_id, content_object=task).delete()
    still_assigned = task.directive.tasks.filter(assignments__agency=agency).exclude(pk=task.pk)
    if not still_assigned.exists():
        apps.get_model("documents", "DirectiveGroupObjectPermission").objects.filter(
            group_id=agency.group_id, content_object=task.directive
        ).delete()


# ---- periodic reports (tasks.models_reporting): members submit their own, the standing office
# reviews and consolidates, the chair reads.


def visible_periodic_reports(queryset: QuerySet, user: User) -> QuerySet:
    if not _active(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    if user.role in ("secretariat", "chair"):
        return queryset.filter(period__obligation__committee_id=user.committee_id)
    if user.role in ("agency_officer", "agency_head") and user.agency_id:
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def can_submit_periodic_report(submission, user: User) -> bool:  # noqa: ANN001
    return (
        _active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id is not None
        and user.agency_id == submission.agency_id
    )


def can_review_periodic_report(submission, user: User) -> bool:  # noqa: ANN001
    return is_secretariat_of(user, submission.period.obligation.committee_id) or is_admin(user)


def can_view_consolidation(committee_id: int | None, user: User) -> bool:
    return is_committee_staff(user, committee_id) or is_admin(user)


def can_define_reporting_obligation(committee_id: int | None, user: User) -> bool:
    """Only the committee's standing office (or an administrator) defines what members owe;
    the chair reads the obligations as committee staff (can_view_consolidation)."""
    return is_secretariat_of(user, committee_id) or is_admin(user)


# ---- generated documents and urging letters (issue 6)


def can_issue_urging_letter(committee_id: int | None, user: User) -> bool:
    """Only the committee's standing office chases agencies with a formal letter."""
    return is_secretariat_of(user, committee_id)


def can_view_urging_letter(letter, user: User) -> bool:  # noqa: ANN001
    """The committee's staff, and the staff of the agency the letter is addressed to."""
    if is_committee_staff(user, letter.committee_id) or is_admin(user):
        return True
    return (
        _active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id is not None
        and user.agency_id == letter.agency_id
    )


def can_view_agency_figures(committee_id: int | None, agency_id: int, user: User) -> bool:
    """An agency's scorecard: the committee's staff, or that agency's own staff."""
    if is_committee_staff(user, committee_id) or is_admin(user):
        return True
    return (
        _active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id == agency_id
    )

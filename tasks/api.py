"""The REST API for tasks: the same querysets, permission layer and actions as the pages.

A task shows its derived state and timeliness and each lead agency's own part (state, own and
original deadline, timeliness, officer). Agency staff act on their own agency's part
(`/api/tasks/{id}/acknowledge/`, `progress/`, `contribution/`, `report/`, `request-extension/`;
the head's `sign-off/`, `send-back/`, `officer/`); the standing office acts on a named agency's
part (`/api/tasks/{id}/assignments/{agency_code}/accept/`, `return/`) and urges
(`/api/tasks/{id}/urge/`). Extensions are decided through their workflow step
(`/api/extensions/{id}/approve/`, `reject/`).

Visibility comes from `Task.objects.visible_to(user)`: another agency's task is a 404. Refusals
are answered by `domain_exception_handler`: ActionError 400, ActionForbidden 403,
ActionConflict (and a lost race the database caught) 409, always with a `detail` message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from agencies.http import signed_in
from agencies.models import User
from project.errors import ActionConflict, ActionError, ActionForbidden
from project.keyset import IdCursorPagination
from workflows import services as flows

from . import actions
from . import permissions as perms
from .models import Extension, Task, TaskAssignment, TaskReport
from .querysets import TaskQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

NO_PART = _("Your agency has no part in this task: you cannot “%(action)s” it.")
# A primary key as the database can hold it; anything else is a 404, never a 500.
ID_PATTERN = r"[0-9]{1,18}"
# The largest primary key a database integer holds; a bigger id in a body is a 400, never a 500.
MAX_ID = 2**63 - 1


def domain_exception_handler(exc: Exception, context: dict) -> Response | None:
    """The actions' refusals as HTTP answers, in one place (usable as REST_FRAMEWORK's
    EXCEPTION_HANDLER for every app)."""
    if isinstance(exc, ActionError):
        return Response({"detail": str(exc.message)}, status=exc.status_code)
    if isinstance(exc, ConcurrentTransition | IntegrityError):
        return Response({"detail": str(ActionConflict().message)}, status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)


class DomainErrors:
    """Viewsets answer the actions' errors with domain_exception_handler."""

    def get_exception_handler(self) -> Callable:
        return domain_exception_handler


# ---- serializers


class PartSerializer(serializers.ModelSerializer):
    """One lead agency's part of a task."""

    agency = serializers.CharField(source="agency.code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    officer = serializers.SerializerMethodField()
    timeliness = serializers.CharField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)

    class Meta:
        model = TaskAssignment
        fields = [
            "agency",
            "agency_name",
            "state",
            "deadline",
            "original_deadline",
            "due_at",
            "timeliness",
            "days_overdue",
            "officer",
            "acknowledged_at",
            "reported_at",
            "accepted_at",
        ]
        read_only_fields = fields

    def get_officer(self, part: TaskAssignment) -> str | None:
        return str(part.officer) if part.officer_id else None


class LeadPartsSerializer(serializers.ListSerializer):
    """A task's lead parts, from its prefetched assignments. A field of TaskSerializer, so its
    PartSerializer is built once for a whole page (a PartSerializer made per task rebuilt its
    fields from the model every time: a third of the API list's time)."""

    def get_attribute(self, instance: Task) -> list[TaskAssignment]:
        return [a for a in instance.assignments.all() if a.role == "lead"]


class TaskSerializer(serializers.ModelSerializer):
    directive = serializers.CharField(source="directive.number_symbol", read_only=True)
    timeliness = serializers.CharField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)
    leads = LeadPartsSerializer(child=PartSerializer(), read_only=True)
    coordinating = serializers.SerializerMethodField()
    my_part = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "directive",
            "ref",
            "title",
            "content",
            "state",
            "deadline",
            "deadline_kind",
            "deadline_text",
            "due_at",
            "recurrence",
            "timeliness",
            "days_overdue",
            "leads",
            "coordinating",
            "my_part",
        ]
        read_only_fields = fields

    def get_coordinating(self, task: Task) -> list[str]:
        return [
            a.agency.code
            for a in task.assignments.all()
            if a.role == "coordinating" and a.state != "cancelled"
        ]

    def get_my_part(self, task: Task) -> dict[str, str] | None:
        """The requesting person's agency's part: its role and state (none for the office)."""
        request = self.context.get("request")
        mine = perms.own_assignment(task, request.user) if request else None
        if mine is None:
            return None
        return {"agency": mine.agency.code, "role": mine.role, "state": mine.state}


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class AcknowledgeSerializer(NoteSerializer):
    officer = serializers.CharField(
        required=False, help_text="The username of the officer in charge (default: you)."
    )


class OfficerSerializer(serializers.Serializer):
    officer = serializers.CharField(help_text="The username of the new officer in charge.")


class ReportSerializer(NoteSerializer):
    contributions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
    )


class UrgeSerializer(NoteSerializer):
    agency = serializers.CharField(required=False, help_text="One lead agency's code.")


class ExtensionRequestSerializer(serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class ExtensionSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True, default=None)

    class Meta:
        model = Extension
        fields = [
            "id",
            "task",
            "agency",
            "current_deadline",
            "requested_deadline",
            "reason",
            "state",
            "requested_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


def _user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise serializers.ValidationError({"officer": [_("No such user.")]})
    return user


# ---- viewsets


class TaskViewSet(DomainErrors, viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    pagination_class = IdCursorPagination  # 1M tasks: no COUNT, no OFFSET
    filterset_fields = ["state", "directive"]
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> TaskQuerySet:
        now = timezone.now()
        parts = TaskAssignment.objects.with_timeliness(now).select_related("agency", "officer")
        return (
            Task.objects.visible_to(self.request.user)
            .with_timeliness(now)
            .select_related("directive")
            .prefetch_related(Prefetch("assignments", queryset=parts.order_by("role", "id")))
            .order_by("id")
        )

    def _data(self, request: Request, serializer_class: type | None) -> dict:
        if serializer_class is None:
            return {}
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, task: Task, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=task.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _own(
        self,
        request: Request,
        call: Callable,
        serializer_class: type | None,
        name: str | StrPromise,
    ) -> Response:
        """Run `call(own_part, data)` on the requesting person's agency's part of the task."""
        task = self.get_object()
        data = self._data(request, serializer_class)
        mine = perms.own_assignment(task, request.user)
        if mine is None:
            raise ActionForbidden(NO_PART % {"action": name})
        call(mine, data)
        return self._answer(task)

    def _named(self, request: Request, agency_code: str, call: Callable) -> Response:
        """Run `call(part, data)` on a named lead agency's part (the standing office's acts)."""
        task = self.get_object()
        data = self._data(request, NoteSerializer)
        part = get_object_or_404(
            TaskAssignment.objects.select_related("agency", "task__directive__committee"),
            task=task,
            agency__code=agency_code,
            role="lead",
        )
        call(part, data)
        return self._answer(task)

    @extend_schema(request=AcknowledgeSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """Your agency confirms receipt and names its officer in charge (you, by default)."""

        def call(part: TaskAssignment, data: dict) -> None:
            officer = _user(data["officer"]) if data.get("officer") else None
            actions.acknowledge(part, by=signed_in(request), officer=officer, note=data["text"])

        return self._own(request, call, AcknowledgeSerializer, _("acknowledge"))

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """A progress update on your agency's part."""
        return self._own(
            request,
            lambda part, d: actions.post_progress(part, by=signed_in(request), text=d["text"]),
            NoteSerializer,
            _("post progress"),
        )

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def contribution(self, request: Request, pk: str | None = None) -> Response:
        """A co-ordinating agency's contribution, which the leads can attach to their report."""
        return self._own(
            request,
            lambda part, d: actions.post_contribution(part, by=signed_in(request), text=d["text"]),
            NoteSerializer,
            _("post a contribution"),
        )

    @extend_schema(request=ReportSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        """Your agency's result: to its head first where the committee asks for the head's
        sign-off, otherwise to the standing office."""

        def call(part: TaskAssignment, data: dict) -> None:
            contributions = list(
                TaskReport.objects.filter(task_id=part.task_id, pk__in=data["contributions"])
            )
            if len(contributions) != len(set(data["contributions"])):
                raise ActionError(actions.CONTRIBUTION_FOREIGN)
            actions.submit_report(
                part, by=signed_in(request), text=data["text"], contributions=contributions
            )

        return self._own(request, call, ReportSerializer, _("submit the report"))

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        """The agency head sends the officer's report on to the standing office."""
        return self._own(
            request,
            lambda part, d: actions.sign_off_report(part, by=signed_in(request), note=d["text"]),
            NoteSerializer,
            _("sign the report off"),
        )

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        """The agency head sends the officer's report back, with a note."""
        return self._own(
            request,
            lambda part, d: actions.send_back_report(part, by=signed_in(request), reason=d["text"]),
            NoteSerializer,
            _("send the report back"),
        )

    @extend_schema(request=OfficerSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def officer(self, request: Request, pk: str | None = None) -> Response:
        """The agency head hands the agency's part to another of its officers."""
        return self._own(
            request,
            lambda part, d: actions.reassign_officer(
                part, by=signed_in(request), officer=_user(d["officer"])
            ),
            OfficerSerializer,
            _("name another officer"),
        )

    @extend_schema(request=ExtensionRequestSerializer, responses={201: ExtensionSerializer})
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request: Request, pk: str | None = None) -> Response:
        """Your agency asks for a later deadline of its own, before its deadline has passed
        (the extension workflow starts, waiting for the decision)."""
        task = self.get_object()
        data = self._data(request, ExtensionRequestSerializer)
        mine = perms.own_assignment(task, request.user)
        if mine is None:
            raise ActionForbidden(NO_PART % {"action": _("ask for an extension")})
        extension = flows.request_extension(
            mine, by=signed_in(request), new_deadline=data["new_deadline"], reason=data["reason"]
        )
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"assignments/(?P<agency_code>[^/]+)/accept",
    )
    def accept(self, request: Request, agency_code: str, pk: str | None = None) -> Response:
        """The standing office accepts this lead agency's result; the task is completed when
        every lead's part is accepted."""
        return self._named(
            request,
            agency_code,
            lambda part, d: actions.accept_report(part, by=signed_in(request), note=d["text"]),
        )

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"assignments/(?P<agency_code>[^/]+)/return",
    )
    def return_report(self, request: Request, agency_code: str, pk: str | None = None) -> Response:
        """The standing office returns this lead agency's report, with a reason."""
        return self._named(
            request,
            agency_code,
            lambda part, d: actions.return_report(part, by=signed_in(request), reason=d["text"]),
        )

    @extend_schema(request=UrgeSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, pk: str | None = None) -> Response:
        """The standing office chases the leads still owing their part (or one of them)."""
        task = self.get_object()
        data = self._data(request, UrgeSerializer)
        agency = None
        if data.get("agency"):
            agency = get_object_or_404(
                TaskAssignment.objects.select_related("agency"),
                task=task,
                agency__code=data["agency"],
            ).agency
        actions.urge_task(task, by=signed_in(request), note=data["text"], agency=agency)
        return self._answer(task)


class ExtensionViewSet(DomainErrors, viewsets.ReadOnlyModelViewSet):
    """Extension requests on the tasks you can see (as the task's history shows them)."""

    serializer_class = ExtensionSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Extension]:
        visible = Task.objects.visible_to(self.request.user).values("pk")
        return Extension.objects.filter(task__in=visible).select_related("agency").order_by("id")

    def _decide(self, request: Request, approve: bool) -> Response:
        extension = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flows.decide_extension(
            extension,
            by=signed_in(request),
            approve=approve,
            note=serializer.validated_data["text"],
        )
        extension = self.get_queryset().get(pk=extension.pk)
        return Response(self.get_serializer(extension).data, status=status.HTTP_200_OK)

    @extend_schema(request=NoteSerializer, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve: that agency's deadline moves, the original stays on record."""
        return self._decide(request, approve=True)

    @extend_schema(request=NoteSerializer, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject, with a reason."""
        return self._decide(request, approve=False)

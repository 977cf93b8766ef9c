"""The REST API for tasks: the same querysets and actions as the pages.

Visibility comes from `Task.objects.visible_to(user)` (another agency's task is a 404);
actions raise ActionError/ActionForbidden/ActionConflict, answered 400/403/409.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from project.errors import ActionError

from . import actions
from .models import Extension, Task


class TaskSerializer(serializers.ModelSerializer):
    directive = serializers.CharField(source="directive.number_symbol", read_only=True)
    lead = serializers.SerializerMethodField()
    support = serializers.SerializerMethodField()
    timeliness = serializers.CharField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)

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
            "original_deadline",
            "due_at",
            "recurrence",
            "lead",
            "support",
            "timeliness",
            "days_overdue",
        ]
        read_only_fields = fields

    def get_lead(self, task: Task) -> list[str]:
        return [a.agency.code for a in task.assignments.all() if a.role == "lead"]

    def get_support(self, task: Task) -> list[str]:
        return [a.agency.code for a in task.assignments.all() if a.role == "support"]


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class ExtensionRequestSerializer(serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField()


def _answer(call, request: Request, serializer_class=None):  # noqa: ANN001, ANN202
    data = {}
    if serializer_class is not None:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
    try:
        call(data)
    except ActionError as exc:
        return Response({"detail": str(exc.message)}, status=exc.status_code)
    return None


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    filterset_fields = ["state", "directive"]

    def get_queryset(self):  # noqa: ANN201
        return (
            Task.objects.visible_to(self.request.user)
            .with_timeliness()
            .select_related("directive")
            .prefetch_related("assignments__agency")
            .order_by("id")
        )

    def _act(self, request: Request, call, serializer_class=None) -> Response:  # noqa: ANN001
        task = self.get_object()
        error = _answer(lambda data: call(task, data), request, serializer_class)
        if error is not None:
            return error
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            request,
            lambda t, d: actions.acknowledge_task(t, by=request.user, note=d["text"]),
            NoteSerializer,
        )

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            request,
            lambda t, d: actions.submit_report(t, by=request.user, text=d["text"]),
            NoteSerializer,
        )

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            request,
            lambda t, d: actions.accept_report(t, by=request.user, note=d["text"]),
            NoteSerializer,
        )

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            request,
            lambda t, d: actions.return_report(t, by=request.user, reason=d["text"]),
            NoteSerializer,
        )

    @extend_schema(request=ExtensionRequestSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            request,
            lambda t, d: actions.request_extension(
                t, by=request.user, new_deadline=d["new_deadline"], reason=d["reason"]
            ),
            ExtensionRequestSerializer,
        )


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = [
            "id",
            "task",
            "current_deadline",
            "requested_deadline",
            "reason",
            "state",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class ExtensionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExtensionSerializer

    def get_queryset(self):  # noqa: ANN201
        visible = Task.objects.visible_to(self.request.user)
        return Extension.objects.filter(task__in=visible).order_by("id")

    def _decide(self, request: Request, call) -> Response:  # noqa: ANN001
        extension = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        error = _answer(lambda data: call(extension, data), request, NoteSerializer)
        if error is not None:
            return error
        extension.refresh_from_db()
        return Response(self.get_serializer(extension).data, status=status.HTTP_200_OK)

    @extend_schema(request=NoteSerializer, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(
            request, lambda e, d: actions.approve_extension(e, by=request.user, note=d["text"])
        )

    @extend_schema(request=NoteSerializer, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(
            request, lambda e, d: actions.reject_extension(e, by=request.user, note=d["text"])
        )

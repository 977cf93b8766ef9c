from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from audit.admin_mixins import AuditedAdmin
from project.admin_mixins import ReadOnlyAdmin

from .models import Extension, Task, TaskAssignment, TaskAttachment, TaskEvent, TaskReport


class AssignmentInline(admin.TabularInline):
    """Shown, not edited: agencies change through set_assignments, which logs and re-grants."""

    model = TaskAssignment
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "agency",
        "role",
        "state",
        "officer",
        "deadline",
        "original_deadline",
        "acknowledged_at",
        "reported_at",
        "result_reported_at",
        "accepted_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["ref", "title", "directive", "state", "deadline"]
    list_filter = ["state", "deadline_kind", "directive__committee"]
    search_fields = ["ref", "title", "directive__symbol"]
    list_select_related = ["directive"]
    # The directive is fixed: moving a task would hand it to another committee unlogged.
    readonly_fields = [
        "directive",
        "state",
        "deadline",
        "deadline_kind",
        "deadline_text",
        "due_at",
        "assigned_at",
        "completed_at",
        "cancelled_reason",
    ]
    inlines = [AssignmentInline]
    show_full_result_count = False

    # Tasks are created by breaking a directive down (tasks.actions.create_task), which logs
    # them; the admin corrects wording only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Task | None = None) -> bool:
        return False


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["task", "requested_deadline", "current_deadline", "state", "requested_by"]
    list_filter = ["state"]
    list_select_related = ["task", "requested_by"]


@admin.register(TaskReport)
class TaskReportAdmin(ReadOnlyAdmin):
    list_display = ["task", "kind", "agency", "submitted_at", "outcome"]
    list_filter = ["kind", "outcome"]
    list_select_related = ["task", "agency"]
    show_full_result_count = False


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "task", "agency", "actor", "kind", "from_value", "to_value"]
    list_filter = ["kind"]
    list_select_related = ["task", "actor", "agency"]
    show_full_result_count = False


@admin.register(TaskAttachment)
class TaskAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "task", "uploaded_by", "uploaded_at"]
    list_select_related = ["task", "uploaded_by"]

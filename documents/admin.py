from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.admin_mixins import AuditedAdmin
from project.admin_mixins import ReadOnlyAdmin

from .models import Directive, DirectiveAttachment, DirectiveEvent


class AttachmentInline(admin.TabularInline):
    model = DirectiveAttachment
    extra = 0
    readonly_fields = ["uploaded_by", "uploaded_at"]


@admin.register(Directive)
class DirectiveAdmin(AuditedAdmin):
    list_display = ["number_symbol", "doc_type", "issued_on", "committee", "state", "subject"]
    list_filter = ["doc_type", "state", "committee", "year"]
    search_fields = ["symbol", "subject", "issuer_name"]
    readonly_fields = ["state", "year", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["implements_task", "superseded_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Directive | None = None) -> list[str]:
        # A registered directive stays with its committee: moving it would hand its tasks'
        # sight to another committee.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "committee"] if obj is not None else fields

    date_hierarchy = "issued_on"
    inlines = [AttachmentInline]
    show_full_result_count = False


@admin.register(DirectiveEvent)
class DirectiveEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "directive", "actor", "kind", "from_state", "to_state"]
    list_filter = ["kind"]
    list_select_related = ["directive", "actor"]
    show_full_result_count = False

from django.contrib import admin
from django.http import HttpRequest

from .models import AccessEvent, ChangeEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ["created_at", "kind", "username", "committee", "ip_address", "path", "status"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address", "path"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(ChangeEvent)
class ChangeEventAdmin(AccessEventAdmin):
    list_display = ["created_at", "kind", "actor", "committee", "subject", "detail"]
    list_filter = ["kind"]
    search_fields = ["subject", "actor__username"]

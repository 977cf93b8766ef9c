from django.contrib import admin

from project.admin_mixins import ReadOnlyAdmin

from .models import Directive, DirectiveAttachment, DirectiveEvent


class AttachmentInline(admin.TabularInline):
    model = DirectiveAttachment
    extra = 0
    readonly_fields = ["uploaded_by", "uploaded_at"]


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ["number_symbol", "doc_type", "issued_on", "committee", "state", "subject"]
    list_filter = ["doc_type", "state", "committee", "year"]
    search_fields = ["symbol", "subject", "issuer_name"]
    readonly_fields = ["state", "year", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["implements_task", "superseded_by"]
    date_hierarchy = "issued_on"
    inlines = [AttachmentInline]
    show_full_result_count = False


@admin.register(DirectiveEvent)
class DirectiveEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "directive", "actor", "kind", "from_state", "to_state"]
    list_filter = ["kind"]
    list_select_related = ["directive", "actor"]
    show_full_result_count = False

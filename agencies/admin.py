from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdmin

from .models import Agency, AgencyAlias, CalendarDay, Committee, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Committee)
class CommitteeAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "standing_agency"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "standing_agency"]
    inlines = [MembershipInline]


class AliasInline(admin.TabularInline):
    model = AgencyAlias
    extra = 1


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["code", "name", "short_name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "short_name", "organ_id", "aliases__alias"]
    autocomplete_fields = ["parent", "successor"]
    inlines = [AliasInline]
    show_full_result_count = False


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "committee", "agency", "is_active"]
    list_filter = ["role", "committee", "is_active"]
    search_fields = ["username", "full_name", "email"]
    autocomplete_fields = ["committee", "agency"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Role in the committee"),
            {"fields": ("full_name", "position", "role", "committee", "agency", "digest_only")},
        ),
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"

"""Periodic reporting in the admin: obligations are set up here; submissions only read."""

from django.contrib import admin

from project.admin_mixins import ReadOnlyAdmin

from .models import ReportingObligation, ReportingPeriod, ReportSubmission, ReportSubmissionEvent


@admin.register(ReportingObligation)
class ReportingObligationAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "frequency", "cutoff_day", "due_rule", "active"]
    list_filter = ["frequency", "active", "committee"]
    list_select_related = ["committee"]
    filter_horizontal = ["members"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["obligation", "year", "index", "starts_on", "ends_on", "due_on"]
    list_filter = ["obligation"]
    list_select_related = ["obligation"]


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(ReadOnlyAdmin):
    """Submissions change only through reporting/services.py's actions (and their pages)."""

    list_display = ["period", "agency", "state", "submitted_at"]
    list_filter = ["state", "period__obligation"]
    list_select_related = ["period__obligation", "agency"]
    show_full_result_count = False


@admin.register(ReportSubmissionEvent)
class ReportSubmissionEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "submission", "actor", "from_state", "to_state"]
    list_select_related = ["submission", "actor"]
    show_full_result_count = False

"""The PDFs and spreadsheets, under /documents/ (their paths from before they moved here)."""

from django.urls import path

from . import views as downloads

app_name = "exports"

urlpatterns = [
    # Generated documents (issue 6): every download goes through the permission layer.
    path("pdf/appendix/<int:directive_id>/", downloads.appendix_pdf, name="appendix_pdf"),
    path("pdf/overdue/", downloads.overdue_pdf, name="overdue_pdf"),
    path("pdf/scorecard/<str:agency_code>/", downloads.scorecard_pdf, name="scorecard_pdf"),
    path("pdf/consolidated/", downloads.consolidated_pdf, name="consolidated_pdf"),
    path(
        "urging/<str:agency_code>/preview/",
        downloads.urging_preview_pdf,
        name="urging_preview_pdf",
    ),
    path("urging/<str:agency_code>/issue/", downloads.urging_issue, name="urging_issue"),
    path(
        "urging/letters/<int:letter_id>/pdf/",
        downloads.urging_letter_pdf,
        name="urging_letter_pdf",
    ),
    path("xlsx/<str:kind>/", downloads.spreadsheet, name="spreadsheet"),
    # Long exports (issue 11): the page that follows one, what its script polls, the file.
    path("exports/<int:export_id>/", downloads.export_page, name="export"),
    path("exports/<int:export_id>/progress/", downloads.export_progress, name="export_progress"),
    path("exports/<int:export_id>/file/", downloads.export_file, name="export_file"),
]

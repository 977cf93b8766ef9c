"""The e-government exchange's pages."""

from django.urls import path

from . import views

app_name = "egov"

urlpatterns = [
    path("import/", views.ImportView.as_view(), name="import"),
    path("letters/", views.LetterListView.as_view(), name="letters"),
    path("letters/<int:pk>/", views.letter_detail, name="letter"),
    path("letters/<int:pk>/sign/", views.sign_letter, name="sign_letter"),
    path("letters/<int:pk>/signed.pdf", views.signed_pdf, name="signed_pdf"),
    path("letters/<int:pk>/edxml/", views.letter_edxml, name="letter_edxml"),
    path("consolidated/", views.consolidated_report, name="consolidated"),
]

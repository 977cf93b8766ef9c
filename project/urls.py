from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from agencies import views as agency_views
from ops.views import healthz
from project.site import site

admin.site.site_header = _("Đôn đốc 389 administration")
admin.site.site_title = _("Đôn đốc 389")
admin.site.index_title = _("Committees, agencies, directives and tasks")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Django's language switch, which also keeps the choice for the person's notices.
    path("i18n/setlang/", agency_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("project.api_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("notifications/", include("chasing.views")),
    path("reporting/", include("reporting.views")),
    path("documents/", include("exports.urls")),  # PDFs and spreadsheets, at their old paths
    path("workflows/", include("workflows.urls")),
    path("audit/", include("audit.urls")),
    path("huong-dan/", include("project.guide")),
    path("egov/", include("egov.urls")),
    # The web UI (viewflow Material site): "/" sends each role home. Keep it last.
    path("", site.urls),
]

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from documents.api import DirectiveViewSet
from tasks.api import ExtensionViewSet, TaskViewSet

router = DefaultRouter()
router.register("directives", DirectiveViewSet, basename="api-directive")
router.register("tasks", TaskViewSet, basename="api-task")
router.register("extensions", ExtensionViewSet, basename="api-extension")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

"""/workflows/<flow>/…: the flows' step pages (see viewsets.py)."""

from django.urls import path

from .viewsets import flow_viewsets

urlpatterns = [path(f"{viewset.app_name}/", viewset.urls) for viewset in flow_viewsets()]

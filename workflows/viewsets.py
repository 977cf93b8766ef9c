"""How the site mounts the flows.

`workflows/urls.py` mounts one `FlowViewset` per flow under /workflows/ (project/urls.py
includes it). A flow can be mounted only once: to show the flows as applications of the viewflow
Site instead, register `flow_apps()` there and drop the include.

Agency inboxes and work queues are the domain's (Task.objects.visible_to(user)); viewflow's own
inbox and queue counters (TaskQuerySet.user_queue, slow at scale) are switched off here, and its
generic process lists are for administrators only (DomainFlow.has_view_permission).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from viewflow.workflow.flow import FlowAppViewset, FlowViewset
from viewflow.workflow.flow.views import DetailProcessView
from viewflow.workflow.models import Task as FlowTask

from .flows import DirectiveFlow, ExtensionFlow

FLOWS = (DirectiveFlow, ExtensionFlow)
ICONS = {DirectiveFlow: "description", ExtensionFlow: "event_repeat"}


class ProcessDetail(DetailProcessView):
    """A process someone may not see answers 404, as a missing one does: its existence (another
    committee's directive) is not told."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.flow_class.instance.has_view_permission(request.user, obj=self.get_object()):
            raise Http404
        return super(DetailProcessView, self).dispatch(request, *args, **kwargs)


class DomainFlowViewset(FlowViewset):
    process_detail_view_class = ProcessDetail


class FlowApp(FlowAppViewset):
    def get_context_data(self, request: Any) -> dict:
        none = FlowTask.objects.none()
        return {"user_inbox": none, "user_queue": none}


def flow_viewsets() -> list[FlowViewset]:
    return [DomainFlowViewset(flow_class, icon=ICONS[flow_class]) for flow_class in FLOWS]


def flow_apps() -> list[FlowApp]:
    return [FlowApp(flow_class, icon=ICONS[flow_class]) for flow_class in FLOWS]

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

from viewflow.workflow.flow import FlowAppViewset, FlowViewset
from viewflow.workflow.models import Task as FlowTask

from .flows import DirectiveFlow, ExtensionFlow

FLOWS = (DirectiveFlow, ExtensionFlow)
ICONS = {DirectiveFlow: "description", ExtensionFlow: "event_repeat"}


class FlowApp(FlowAppViewset):
    def get_context_data(self, request: Any) -> dict:
        none = FlowTask.objects.none()
        return {"user_inbox": none, "user_queue": none}


def flow_viewsets() -> list[FlowViewset]:
    return [FlowViewset(flow_class, icon=ICONS[flow_class]) for flow_class in FLOWS]


def flow_apps() -> list[FlowApp]:
    return [FlowApp(flow_class, icon=ICONS[flow_class]) for flow_class in FLOWS]

"""Which changes only a workflow step may make.

The directive's routing (submit, approve or return, dispatch, close) and an extension's
decision belong to their viewflow flows: the flow is their one writer. The flows' step runner
marks the code it runs with `flow_step()`, and the actions behind those steps call
`require_flow_step()`, so a page, the API or a script that calls such an action directly is
refused instead of leaving the flow behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils.translation import gettext_lazy as _

from .errors import ActionError

_current_step: ContextVar[str | None] = ContextVar("current_flow_step", default=None)

NOT_THROUGH_FLOW = _("“%(action)s” is a step of the workflow: do it from the step's page.")


@contextlib.contextmanager
def flow_step(name: str) -> Iterator[None]:
    token = _current_step.set(name)
    try:
        yield
    finally:
        _current_step.reset(token)


def require_flow_step(action: str) -> None:
    if _current_step.get() is None:
        raise ActionError(NOT_THROUGH_FLOW % {"action": action})

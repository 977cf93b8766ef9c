"""The things people do to directives: register, submit, approve or return, close. Dispatching
a directive hands out its tasks: tasks/actions.py (dispatch_directive) does it, asking
check_dispatchable and logging it with record_dispatch here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from agencies.models import Committee, User
from project.errors import ActionError, ActionForbidden, atomic_action
from project.steps import require_flow_step

from . import permissions as directive_perms
from . import signals
from .models import Directive, DirectiveAttachment, DirectiveEvent
from .numbers import InvalidDocumentNumber

NOT_ALLOWED_NOW = _("This directive is “%(state)s”: “%(action)s” is not possible now.")
NOT_PERMITTED = _("You do not have the right to do “%(action)s” on this directive.")
DUPLICATE = _("Directive %(number)s of %(year)s is already registered.")
NO_TASKS = _("Break the directive down into at least one task first.")
TASKS_STILL_OPEN = _("%(count)s task(s) are still open: close the directive when all are done.")
REASON_REQUIRED = _("Please give a reason.")
ONLY_DRAFTS_EDITABLE = _(
    "This directive is “%(state)s”: its details and text can be changed only while it is a draft."
)
# The fields the edit page changes, in the order the history names them.
EDITABLE_FIELDS = (
    "number",
    "symbol",
    "doc_type",
    "subject",
    "issued_on",
    "issuer_name",
    "signer_name",
    "signer_title",
    "text",
)

ACTION_NAMES = {
    "submit_for_approval": _("submit for approval"),
    "return_to_draft": _("return for revision"),
    "approve": _("approve"),
    "close": _("close"),
    "expire": _("mark expired"),
    "supersede": _("mark superseded"),
}


def _log(directive: Directive, kind: str, by: User | None, **fields: str) -> DirectiveEvent:
    return DirectiveEvent.objects.create(directive=directive, actor=by, kind=kind, **fields)


def _transition(directive: Directive, name: str, by: User, note: str = "") -> DirectiveEvent:
    method = getattr(directive, name)
    action = ACTION_NAMES[name]
    if not can_proceed(method):
        raise ActionError(
            NOT_ALLOWED_NOW % {"state": directive.get_state_display(), "action": action}
        )
    if not has_transition_perm(method, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": action})
    from_state = directive.state
    method()
    directive.save()
    return _log(
        directive, "transition", by, from_state=from_state, to_state=directive.state, note=note
    )


@atomic_action
def register_directive(
    committee: Committee,
    *,
    by: User | None,
    number: str = "",
    doc_type: str = "",
    subject: str,
    issued_on: dt.date | None = None,
    issuer_name: str = "",
    signer_name: str = "",
    signer_title: str = "",
    text: str = "",
    # a tasks.Task, which documents (before tasks in the order of apps) cannot name
    implements_task: Any = None,
    files: Iterable[UploadedFile] = (),
    check_permission: bool = True,
) -> Directive:
    """Register a directive as a draft, ready to be broken down."""
    directive = Directive(
        committee=committee,
        doc_type=doc_type,
        subject=subject,
        issued_on=issued_on,
        issuer_name=issuer_name,
        signer_name=signer_name,
        signer_title=signer_title,
        text=text,
        implements_task=implements_task,
        created_by=by,
    )
    if check_permission and not directive_perms.can_manage_directive(directive, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("register")})
    if number:
        try:
            directive.set_number(number)
        except InvalidDocumentNumber as exc:
            raise ActionError(str(exc)) from exc
    try:
        directive.full_clean(exclude=["implements_task", "state"])
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            directive.save()
    except IntegrityError as exc:  # lost a race with an identical registration
        raise ActionError(
            DUPLICATE % {"number": directive.number_symbol, "year": directive.year}
        ) from exc
    _log(directive, "registered", by, to_state=directive.state)
    for upload in files:
        DirectiveAttachment.objects.create(
            directive=directive, file=upload, name=upload.name or "", uploaded_by=by
        )
    return directive


@atomic_action
def update_directive(
    directive: Directive,
    *,
    by: User,
    number: str = "",
    doc_type: str,
    subject: str,
    issued_on: dt.date | None = None,
    issuer_name: str = "",
    signer_name: str = "",
    signer_title: str = "",
    text: str = "",
    files: Iterable[UploadedFile] = (),
) -> Directive:
    """Correct a draft directive's details and text (e.g. paste the text a scan did not give),
    and attach more files. The history says which fields changed."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if not directive_perms.can_manage_directive(directive, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("edit")})
    if directive.state != "draft":
        raise ActionError(ONLY_DRAFTS_EDITABLE % {"state": directive.get_state_display()})
    before = {name: getattr(directive, name) for name in EDITABLE_FIELDS}
    directive.doc_type = doc_type
    directive.subject = subject
    directive.issued_on = issued_on
    directive.issuer_name = issuer_name
    directive.signer_name = signer_name
    directive.signer_title = signer_title
    directive.text = text
    if number:
        try:
            directive.set_number(number)
        except InvalidDocumentNumber as exc:
            raise ActionError(str(exc)) from exc
    else:
        directive.number, directive.symbol, directive.issuer_code = None, "", ""
    try:
        directive.full_clean(exclude=["implements_task", "state"])
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            directive.save()
    except IntegrityError as exc:  # lost a race with a registration of the same number
        raise ActionError(
            DUPLICATE % {"number": directive.number_symbol, "year": directive.year}
        ) from exc
    changed = [
        str(Directive._meta.get_field(name).verbose_name)
        for name in EDITABLE_FIELDS
        if getattr(directive, name) != before[name]
    ]
    names = []
    for upload in files:
        name = upload.name or ""
        DirectiveAttachment.objects.create(
            directive=directive, file=upload, name=name, uploaded_by=by
        )
        names.append(name)
    if changed or names:
        _log(directive, "edited", by, note=", ".join(dict.fromkeys([*changed, *names])))
    return directive


@atomic_action
def submit_directive_for_approval(directive: Directive, *, by: User, note: str = "") -> Directive:
    """The standing office sends the task list to the chair; it is frozen until returned."""
    require_flow_step(str(ACTION_NAMES["submit_for_approval"]))
    if not directive.tasks.exclude(state="cancelled").exists():
        raise ActionError(NO_TASKS)
    event = _transition(directive, "submit_for_approval", by, note)
    signals.task_list_submitted.send(
        sender=Directive, directive=directive, by=by, note=note, occurrence=f"directive:{event.pk}"
    )
    return directive


@atomic_action
def return_directive(directive: Directive, *, by: User, reason: str) -> Directive:
    """The chair sends the task list back for revision."""
    require_flow_step(str(ACTION_NAMES["return_to_draft"]))
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)
    event = _transition(directive, "return_to_draft", by, reason)
    signals.task_list_returned.send(
        sender=Directive,
        directive=directive,
        by=by,
        reason=reason,
        occurrence=f"directive:{event.pk}",
    )
    return directive


@atomic_action
def approve_directive(directive: Directive, *, by: User, note: str = "") -> Directive:
    """The chair approves the task list; the directive is issued and ready to dispatch."""
    require_flow_step(str(ACTION_NAMES["approve"]))
    _transition(directive, "approve", by, note)
    return directive


def check_dispatchable(directive: Directive, *, by: User) -> None:
    """Only an issued directive's tasks go out, and only its standing office sends them."""
    if directive.state != "issued":
        raise ActionError(
            NOT_ALLOWED_NOW % {"state": directive.get_state_display(), "action": _("dispatch")}
        )
    if not directive_perms.can_manage_directive(directive, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("dispatch")})


def record_dispatch(directive: Directive, *, by: User, count: int) -> DirectiveEvent:
    """The directive's history says its tasks went out (in the dispatching transaction)."""
    return _log(directive, "dispatched", by, note=str(count))


@atomic_action
def close_directive(directive: Directive, *, by: User, summary: str) -> Directive:
    """Close a directive whose tasks are all completed or cancelled, with a short summary."""
    require_flow_step(str(ACTION_NAMES["close"]))
    still_open = directive.tasks.exclude(state__in=["completed", "cancelled"]).count()
    if still_open:
        raise ActionError(TASKS_STILL_OPEN % {"count": still_open})
    directive.summary = summary
    _transition(directive, "close", by, summary)
    return directive


@atomic_action
def expire_directive(directive: Directive, *, by: User, note: str = "") -> Directive:
    """A plan that has run its course (seed 001: close expired thematic plans)."""
    _transition(directive, "expire", by, note)
    return directive


@atomic_action
def supersede_directive(
    directive: Directive, *, by: User, replacement: Directive, note: str = ""
) -> Directive:
    directive.superseded_by = replacement
    _transition(directive, "supersede", by, note or str(replacement))
    return directive

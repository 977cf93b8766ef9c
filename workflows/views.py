"""The views of the flows' human steps. Each parses its form, calls one action, and completes
the step; an action's refusal (ActionError and its kinds) comes back as a form error and nothing
changes. The node wrapper (nodes.step_view) has already checked the right to act and holds the
flow lock during a POST."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from documents import actions as directive_actions
from project.errors import ActionError
from project.menu import current_site
from project.steps import flow_step
from tasks import actions as task_actions
from tasks import permissions as task_perms
from tasks.deadlines import vn_date
from tasks.models import Task, TaskAssignment

from . import forms
from .nodes import ACTIVE, StepRequest, safe_next, step_url, subject_url

STEP_DONE = _("“%(step)s” is done.")
TASK_LIST_APPROVED = _("The task list is approved: it can now be dispatched to the agencies.")
TASK_LIST_RETURNED = _("The task list was returned to the standing office for revision.")
EXTENSION_APPROVED = _("The extension is approved: the agency's new deadline is %(date)s.")
EXTENSION_REJECTED = _("The extension request was rejected: the agency's deadline stays as it was.")


def base_template(request: HttpRequest) -> str:
    """The site's frame (menu, styles), so a step looks like the pages that link to it."""
    return "base_site.html"


def next_step_url(process: Any, user: Any) -> str | None:
    """The next open step of this process the same person may do (e.g. register → break down)."""
    for task in process.task_set.filter(flow_task_type="HUMAN", status__in=ACTIVE).order_by("pk"):
        if task.flow_task.allows(user, process):
            return step_url(task)
    return None


class StepView(FormView):
    """A human step: `perform(form)` calls the action; returning False keeps the step open."""

    request: StepRequest
    template_name = "workflows/step.html"
    submit_label = _("Confirm")

    @property
    def activation(self) -> Any:
        return self.request.activation

    @property
    def process(self) -> Any:
        return self.activation.process

    def subject(self) -> Any:
        return self.activation.flow_task._subject(self.process)

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs.pop("prefix", None)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        flow_task = self.activation.flow_task
        match = getattr(self.request, "resolver_match", None)
        if match is not None and getattr(match, "site", None) is None:
            # The flows are mounted beside the viewflow Site: lend its frame (menu, colours) as
            # viewflow's middleware does for the Site's own pages.
            match.site = current_site()
        context.update(
            base_template=base_template(self.request),
            page_title=flow_task.task_title,
            step=flow_task,
            process=self.process,
            subject=self.subject(),
            submit_label=self.submit_label,
            next=safe_next(self.request) or "",
            overdue=bool((self.activation.task.data or {}).get("overdue")),
        )
        return context

    def perform(self, form: django_forms.Form) -> bool | None:
        raise NotImplementedError

    def form_valid(self, form: django_forms.Form) -> HttpResponse:
        # The action and the step's completion commit together (a start step's process is
        # saved by execute(): a request must never be left without its flow).
        try:
            with transaction.atomic():
                with flow_step(self.activation.flow_task.name):
                    completes = self.perform(form)
                if completes is not False:
                    self.activation.execute()
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if completes is False:
            return redirect(self.request.get_full_path())
        messages.success(self.request, self.done_message(form))
        return redirect(self.success_url_for())

    def done_message(self, form: django_forms.Form) -> str:
        """What the person is told once the step is done (a decision says which way it went)."""
        return STEP_DONE % {"step": self.activation.flow_task.task_title}

    def success_url_for(self) -> str:
        return (
            safe_next(self.request)
            or next_step_url(self.process, self.request.user)
            or self.activation.flow_task.done_url(self.request, self.process)
        )


class StartStepView(StepView):
    """A start step: the process is saved when the step completes."""

    def subject(self) -> Any:
        return None

    def success_url_for(self) -> str:
        return next_step_url(self.process, self.request.user) or safe_next(self.request) or "/"


# ---- directive flow (registered on the register page, documents/views.py)


class BreakDownView(StepView):
    """The breakdown has one editor, the directive's breakdown page (documents/views.py): this
    step sends people there. Its "submit for approval" completes this step
    (services.submit_breakdown); a note posted here does the same."""

    form_class = forms.NoteForm
    submit_label = _("Submit for approval")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("directives:breakdown", self.subject().pk)

    def perform(self, form: django_forms.Form) -> None:
        directive_actions.submit_directive_for_approval(
            self.subject(), by=self.request.user, note=form.cleaned_data["note"]
        )


class DecisionStepView(StepView):
    form_class = forms.DecisionForm
    choices: list = []

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "choices": self.choices}


class ApproveDirectiveView(DecisionStepView):
    template_name = "workflows/directive_step.html"
    choices = [("approve", _("Approve the task list")), ("return", _("Return it for revision"))]

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        context["tasks"] = (
            self.subject().tasks.exclude(state="cancelled").prefetch_related("assignments__agency")
        )
        return context

    def perform(self, form: django_forms.Form) -> None:
        data, user, directive = form.cleaned_data, self.request.user, self.subject()
        if data["decision"] == "approve":
            directive_actions.approve_directive(directive, by=user, note=data["note"])
        else:
            directive_actions.return_directive(directive, by=user, reason=data["note"])

    def done_message(self, form: django_forms.Form) -> str:
        approved = form.cleaned_data["decision"] == "approve"
        return str(TASK_LIST_APPROVED if approved else TASK_LIST_RETURNED)


class DispatchView(StepView):
    """Dispatch: a task whose deadline has passed needs a new one (and the reason) here."""

    form_class = forms.DispatchForm
    template_name = "workflows/directive_step.html"
    submit_label = _("Dispatch to the agencies")

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        context["tasks"] = (
            self.subject().tasks.exclude(state="cancelled").prefetch_related("assignments__agency")
        )
        # Tasks whose deadline has passed are marked; their new dates are asked for below.
        context["past_ids"] = {task.pk for task in context["form"].past}
        return context

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "tasks": self._tasks()}

    def _tasks(self) -> Any:
        return self.subject().tasks.filter(state="draft").order_by("position", "id")

    def perform(self, form: django_forms.Form) -> None:
        assert isinstance(form, forms.DispatchForm)  # form_class
        task_actions.dispatch_directive(
            self.subject(),
            by=self.request.user,
            new_deadlines=form.new_deadlines(),
            reason=form.cleaned_data["note"],
        )


class CloseDirectiveView(StepView):
    form_class = forms.SummaryForm
    template_name = "workflows/directive_step.html"
    submit_label = _("Close the directive")

    def perform(self, form: django_forms.Form) -> None:
        directive_actions.close_directive(
            self.subject(), by=self.request.user, summary=form.cleaned_data["summary"]
        )


# ---- extension flow


class RequestExtensionView(StartStepView):
    """An agency asks for a later deadline of its own part (?task=…: the task; the part is the
    person's agency's). After its deadline the page says why it cannot be asked for."""

    form_class = forms.ExtensionRequestForm
    template_name = "workflows/task_step.html"
    submit_label = _("Send the request")

    assignment: TaskAssignment

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        raw = request.POST.get("task") or request.GET.get("task") or ""
        if not raw.isdigit():
            raise Http404
        self.task = (
            Task.objects.visible_to(request.user)
            .select_related("directive__committee")
            .prefetch_related("assignments__agency")
            .filter(pk=int(raw))
            .first()
        )
        if self.task is None:
            raise Http404
        assignment = task_perms.own_assignment(self.task, request.user)
        if assignment is None or not task_perms.can_request_extension(assignment, request.user):
            raise PermissionDenied
        self.assignment = assignment
        return super().dispatch(request, *args, **kwargs)

    def subject(self) -> Any:
        return self.task

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        context["assignment"] = self.assignment
        deadline = self.assignment.deadline
        if deadline is not None and self.assignment.deadline_passed(timezone.now()):
            context["refusal"] = task_actions.EXTENSION_TOO_LATE % {"deadline": vn_date(deadline)}
        return context

    def perform(self, form: django_forms.Form) -> None:
        data = form.cleaned_data
        extension = task_actions.request_extension(
            self.assignment,
            by=self.request.user,
            new_deadline=data["new_deadline"],
            reason=data["reason"],
        )
        self.process.extension = extension

    def success_url_for(self) -> str:
        return safe_next(self.request) or subject_url(self.task)


class DecideExtensionView(DecisionStepView):
    template_name = "workflows/extension_step.html"
    choices = [("approve", _("Approve the new deadline")), ("reject", _("Reject the request"))]

    def perform(self, form: django_forms.Form) -> None:
        data, user, extension = form.cleaned_data, self.request.user, self.subject()
        if data["decision"] == "approve":
            task_actions.approve_extension(extension, by=user, note=data["note"])
        else:
            task_actions.reject_extension(extension, by=user, note=data["note"])

    def done_message(self, form: django_forms.Form) -> str:
        if form.cleaned_data["decision"] != "approve":
            return str(EXTENSION_REJECTED)
        extension = self.subject()
        return EXTENSION_APPROVED % {"date": vn_date(extension.requested_deadline)}

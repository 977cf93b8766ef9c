"""The urging letter page (công văn đôn đốc): the agency's overdue tasks, the letter's details
to check or change, a draft PDF to read, and the button that issues it with the committee's
next number. The issued letters stay listed with their PDF.

Thin: chasing/urging.py numbers, stores and records the letter; this page only collects what
the office may change and shows the result.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from agencies import permissions as perms
from agencies.http import AuthenticatedRequest
from agencies.models import Agency, Committee
from documents import permissions as directive_perms
from documents.models import UrgingLetter
from documents.numbers import format_number
from project.errors import ActionError, ActionForbidden
from tasks.deadlines import today_in_vietnam

from . import urging
from .forms import UrgingLetterForm

LETTERS_SHOWN = 20


class UrgingLetterView(LoginRequiredMixin, View):
    template_name = "chasing/urging_letter.html"

    def _setup(self, request: AuthenticatedRequest, agency_code: str) -> tuple[Committee, Agency]:
        committee = request.user.committee
        if committee is None or not perms.is_committee_staff(request.user, committee.pk):
            raise Http404
        agency = Agency.objects.filter(memberships__committee=committee, code=agency_code).first()
        if agency is None:
            raise Http404
        return committee, agency

    def _render(
        self,
        request: AuthenticatedRequest,
        committee: Committee,
        agency: Agency,
        form: UrgingLetterForm,
        status: int = 200,
    ) -> HttpResponse:
        today = today_in_vietnam()
        symbol = (form.data.get("symbol") or urging.DEFAULT_SYMBOL).strip().upper()
        year = (
            form.cleaned_data["issued_on"].year if form.is_bound and form.is_valid() else today.year
        )
        letters = (
            UrgingLetter.objects.filter(committee=committee, agency=agency)
            .select_related("created_by")
            .order_by("-created_at", "-id")[:LETTERS_SHOWN]
        )
        context = {
            "page_title": _("Urging letter to %(agency)s") % {"agency": agency.name},
            "committee": committee,
            "agency": agency,
            "form": form,
            "parts": urging.overdue_parts_of(committee, agency),
            "next_number": format_number(urging.next_number(committee, year), symbol),
            "letters": letters,
            "can_issue": directive_perms.can_issue_urging_letter(committee.pk, request.user),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedRequest, agency_code: str) -> HttpResponse:
        committee, agency = self._setup(request, agency_code)
        authority, title, name = urging.default_signer(committee)
        form = UrgingLetterForm(
            initial={
                "issued_on": today_in_vietnam(),
                "symbol": urging.DEFAULT_SYMBOL,
                "subject": urging.DEFAULT_SUBJECT,
                "authority": authority,
                "signer_title": title,
                "signer_name": name,
                "recipients": "\n".join(urging.default_recipients()),
            }
        )
        return self._render(request, committee, agency, form)

    def post(self, request: AuthenticatedRequest, agency_code: str) -> HttpResponse:
        committee, agency = self._setup(request, agency_code)
        form = UrgingLetterForm(request.POST)
        if not form.is_valid():
            return self._render(request, committee, agency, form, status=400)
        try:
            letter = urging.issue_urging_letter(
                committee, agency, by=request.user, options=form.options()
            )
        except ActionForbidden as exc:
            return render(
                request,
                "tasks/forbidden.html",
                {"page_title": _("Not allowed"), "message": exc.message},
                status=403,
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, committee, agency, form, status=400)
        messages.success(
            request,
            _("Urging letter No. %(number)s issued to %(agency)s; it is recorded on each task.")
            % {"number": letter.number_symbol, "agency": agency.name},
        )
        return redirect(f"{request.path}#letter-{letter.pk}")

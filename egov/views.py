"""E-government pages: import a package or a scan (offered on the register page), and the
issued urging letters: sign one, see its signatures, download it signed or as edXML."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView

from agencies import permissions as perms
from agencies.http import AuthenticatedRequest
from documents import ocr
from documents import permissions as directive_perms
from documents.extraction import doc_reader
from documents.models import UrgingLetter
from project.downloads import send_stored_file
from project.errors import ActionError, ActionForbidden

from . import intake, outgoing, signing, verify
from .forms import ImportForm, SignForm
from .models import SignedLetter

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _forbidden(request: HttpRequest, message: str | StrPromise) -> HttpResponse:
    return render(
        request,
        "tasks/forbidden.html",
        {"page_title": _("Not allowed"), "message": message},
        status=403,
    )


class ImportView(LoginRequiredMixin, View):
    template_name = "egov/import.html"

    def _check(self, request: AuthenticatedRequest) -> None:
        if not (request.user.is_secretariat and request.user.committee_id):
            raise PermissionDenied

    def _render(self, request: AuthenticatedRequest, form: ImportForm) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_title": _("Import a directive"),
                "ocr_missing": ocr.unavailable(),
                "doc_missing": doc_reader() is None,
            },
        )

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        self._check(request)
        return self._render(request, ImportForm())

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        self._check(request)
        committee = request.user.committee
        if committee is None:  # never, after _check; said for the type checker
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        upload = data["file"]
        try:
            if form.is_package:
                directive = intake.import_package(upload.read(), committee, by=request.user)
            else:
                directive = intake.import_scan(
                    committee,
                    by=request.user,
                    name=upload.name,
                    data=upload.read(),
                    subject=data["subject"],
                    number=data["number"],
                    doc_type=data["doc_type"],
                    issued_on=data["issued_on"],
                    issuer_name=data["issuer_name"],
                )
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form)
        messages.success(request, _("Directive imported. Check the proposed tasks."))
        if directive.intake.note:
            messages.warning(request, directive.intake.note)
        # The breakdown editor, with the tasks proposed from the text already shown.
        return redirect("directives:propose", directive.pk)


# ---- issued urging letters


def _letters_of(request: AuthenticatedRequest) -> QuerySet[UrgingLetter]:
    user = request.user
    committee_id = user.committee_id
    # An account not yet given its committee is no one's staff.
    if committee_id is None or not perms.is_committee_staff(user, committee_id):
        raise PermissionDenied
    return UrgingLetter.objects.filter(committee_id=committee_id)


class LetterListView(LoginRequiredMixin, ListView):
    request: AuthenticatedRequest
    template_name = "egov/letter_list.html"
    context_object_name = "letters"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[UrgingLetter]:
        return (
            _letters_of(self.request)
            .select_related("agency", "signed")
            .order_by("-year", "-number")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(page_title=_("Urging letters issued"), **kwargs)


def _letter(request: AuthenticatedRequest, pk: int) -> UrgingLetter:
    letter = get_object_or_404(
        UrgingLetter.objects.select_related("committee", "agency", "signed"), pk=pk
    )
    if not directive_perms.can_view_urging_letter(letter, request.user):
        raise Http404
    return letter


def _signed_of(letter: UrgingLetter) -> SignedLetter | None:
    try:
        return letter.signed
    except SignedLetter.DoesNotExist:
        return None


@login_required
def letter_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    signed = _signed_of(letter)
    can_sign = signed is None and directive_perms.can_issue_urging_letter(
        letter.committee_id, request.user
    )
    form = None
    if can_sign:
        form = SignForm(credentials=signing.usable_credentials(letter.committee))
    return _letter_page(request, letter, signed, form)


def _letter_page(
    request: AuthenticatedRequest,
    letter: UrgingLetter,
    signed: SignedLetter | None,
    form: SignForm | None,
) -> HttpResponse:
    reports = []
    if signed is not None:
        with signed.file.open("rb") as handle:
            reports = verify.verify_pdf(handle.read())
    return render(
        request,
        "egov/letter_detail.html",
        {
            "page_title": letter.number_symbol,
            "letter": letter,
            "signed": signed,
            "signatures": reports,
            "form": form,
            "has_credentials": form is not None and form.has_signer(),
        },
    )


@require_POST
@login_required
def sign_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    if not directive_perms.can_issue_urging_letter(letter.committee_id, request.user):
        return _forbidden(request, str(signing.NOT_PERMITTED))
    form = SignForm(request.POST, credentials=signing.usable_credentials(letter.committee))
    if not form.is_valid():
        return _letter_page(request, letter, None, form)
    personal, organisation = form.signers()
    try:
        signing.sign_urging_letter(
            letter, by=request.user, personal=personal, organisation=organisation
        )
    except ActionForbidden as exc:
        return _forbidden(request, exc.message)
    except ActionError as exc:
        form.add_error(None, exc.message)
        return _letter_page(request, letter, _signed_of(letter), form)
    messages.success(request, _("The letter is signed. The signed copy is its letter of record."))
    return redirect("egov:letter", letter.pk)


@require_GET
@login_required
def signed_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    letter = _letter(request, pk)
    signed = _signed_of(letter)
    if signed is None:
        raise Http404
    name = f"cong-van-don-doc-{letter.number:02d}-{letter.year}-da-ky-so.pdf"
    return send_stored_file(signed.file, filename=name, content_type="application/pdf")


@require_GET
@login_required
def letter_edxml(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    if not perms.is_committee_staff(request.user, letter.committee_id):
        raise Http404
    try:
        data = outgoing.letter_package(letter)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("egov:letter", letter.pk)
    response = HttpResponse(data, content_type="application/xml")
    name = f"cong-van-don-doc-{letter.number:02d}-{letter.year}.edxml.xml"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# ---- the consolidated report, signed and packaged for the parent committee


@login_required
def consolidated_report(request: AuthenticatedRequest) -> HttpResponse:
    committee = request.user.committee
    if committee is None or not directive_perms.can_issue_urging_letter(committee.pk, request.user):
        raise PermissionDenied
    credentials = signing.usable_credentials(committee)
    form = SignForm(request.POST or None, credentials=credentials)
    if request.method == "POST" and form.is_valid():
        personal, organisation = form.signers()
        try:
            package = outgoing.consolidated_package(
                committee, by=request.user, personal=personal, organisation=organisation
            )
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            response = HttpResponse(package, content_type="application/xml")
            response["Content-Disposition"] = content_disposition_header(
                True, "bao-cao-tong-hop.edxml.xml"
            )
            return response
    return render(
        request,
        "egov/consolidated.html",
        {
            "page_title": _("Send the consolidated report"),
            "form": form,
            "has_credentials": credentials.filter(kind="personal").exists(),
            "parent": committee.parent,
        },
        status=400 if form.errors else 200,
    )

"""Urging letters (công văn đôn đốc): the standing office previews one, then issues it.

A letter lists the agency's own overdue parts: each task it leads whose deadline (its own,
extended or not) has passed with its part still owed. Issuing gives the letter the next number in
its committee's series for the year (numbers restart every 1 January), stores its PDF, and logs
a typed "urging letter issued" entry, about that agency, in the history of every task it lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import calendar as workdays
from agencies import permissions as perms
from agencies.models import Agency, Committee, Membership, User
from documents import permissions as directive_perms
from documents.models import UrgingLetter
from exports.pdf import labels
from exports.pdf.layout import vn_date
from exports.pdf.queries import ReportFilters, overdue_parts
from exports.pdf.urging_letter import LetterContent, build_urging_letter
from project.errors import ActionConflict, ActionError, ActionForbidden, atomic_action
from tasks import actions as task_actions
from tasks.deadlines import today_in_vietnam
from tasks.models import TaskAssignment

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Overdue(TypedDict):
        days_overdue: int

    # A part as TaskAssignment.objects.overdue() gives it: with its working days overdue.
    OverduePart: TypeAlias = WithAnnotations[TaskAssignment, _Overdue]

DEFAULT_SYMBOL = "BCĐ389-VP"
DEFAULT_SUBJECT = "đôn đốc thực hiện các nhiệm vụ quá hạn"
REPLY_WITHIN_WORKING_DAYS = 5


@labels.in_vietnamese
def default_recipients() -> tuple[str, ...]:
    """The foot of an urging letter ("Nơi nhận"), in Vietnamese like the letter."""
    return (labels.AS_ABOVE, "- Trưởng ban, các Phó Trưởng ban (để b/c);", labels.FILED)


NUMBER_ATTEMPTS = 5

NOT_PERMITTED = _("Only the committee's standing office can issue an urging letter.")
NOT_PERMITTED_PREVIEW = _(
    "Only the committee's standing office and chair can prepare an urging letter."
)
NOT_A_MEMBER = _("%(agency)s is not a member of %(committee)s.")
NOTHING_TO_URGE = _("%(agency)s has no overdue task: there is nothing to urge.")
BAD_AUTHORITY = _("The authority must start with TM., KT., TL., TUQ. or Q. (Nghị định 30/2020).")
SUBJECT_REQUIRED = _("Please give the letter a subject.")
BUSY = _("Another letter took this number at the same moment. Please try again.")
TASK_NOTE = _("Urged by letter No. %(number)s of %(date)s (%(days)s day(s) overdue).")


@dataclass
class LetterOptions:
    """What the standing office may change before issuing; empty means the default."""

    issued_on: dt.date | None = None
    subject: str = ""
    body: str = ""
    symbol: str = ""
    signer_name: str | None = None
    signer_title: str | None = None
    authority: str | None = None
    recipients: list[str] | None = None
    reply_by: dt.date | None = None


def overdue_parts_of(
    committee: Committee, agency: Agency, now: dt.datetime | None = None
) -> list[OverduePart]:
    """The agency's own overdue parts as lead, most overdue first:
    `TaskAssignment.objects.overdue()`, against the agency's own deadline."""
    filters = ReportFilters(committee=committee, agency=agency, now=now or timezone.now())
    return list(overdue_parts(filters))


def _default_body(
    committee: Committee, agency: Agency, count: int, today: dt.date, reply_by: dt.date
) -> str:
    office = committee.name
    return (
        f"Qua theo dõi tình hình thực hiện các nhiệm vụ được giao tại các văn bản chỉ đạo của "
        f"{office}, tính đến ngày {vn_date(today)}, {agency.name} còn {count} nhiệm vụ đã quá "
        f"thời hạn nhưng chưa hoàn thành, cụ thể như sau:"
        f"\n\n"
        f"{office} đề nghị {agency.name} khẩn trương chỉ đạo triển khai thực hiện các nhiệm vụ "
        f"nêu trên, báo cáo kết quả về {office} (qua Cơ quan Thường trực) trước ngày "
        f"{vn_date(reply_by)}. Trường hợp cần gia hạn, đề nghị nêu rõ lý do để tổng hợp, báo cáo "
        f"Trưởng ban xem xét, quyết định./."
    )


def default_signer(committee: Committee) -> tuple[str, str, str]:
    """The authority, title and name a letter is signed with unless the office changes them:
    on behalf of the committee, by its chair."""
    chair = (
        User.objects.filter(committee=committee, role="chair", is_active=True)
        .order_by("id")
        .first()
    )
    name = (chair.full_name or chair.get_full_name()) if chair else ""
    title = (chair.position if chair and chair.position else "Trưởng ban").upper()
    return "TM. BAN CHỈ ĐẠO", title, name


@labels.in_vietnamese
def _letter_filters(committee: Committee, agency: Agency, now: dt.datetime) -> list[str]:
    return [
        labels.FILTER_COMMITTEE % committee.name,
        labels.FILTER_AGENCY % agency.name,
        labels.TIMELINESS["open_overdue"],
        labels.FILTER_AS_OF % vn_date(now),
    ]


def _content(
    committee: Committee,
    agency: Agency,
    parts: Sequence[TaskAssignment],
    options: LetterOptions,
    now: dt.datetime,
) -> LetterContent:
    today = today_in_vietnam(now)
    issued_on = options.issued_on or today
    reply_by = options.reply_by or workdays.add_working_days(issued_on, REPLY_WITHIN_WORKING_DAYS)
    authority, title, name = default_signer(committee)
    authority = authority if options.authority is None else options.authority.strip()
    if authority and not authority.upper().startswith(labels.AUTHORITY_PREFIXES):
        raise ActionError(BAD_AUTHORITY)
    subject = (options.subject or DEFAULT_SUBJECT).strip()
    if subject.lower().startswith("v/v"):
        subject = subject[3:].strip()
    if not subject:
        raise ActionError(SUBJECT_REQUIRED)
    recipients = options.recipients
    if recipients is None:
        recipients = list(default_recipients())
    return LetterContent(
        committee_name=committee.name,
        place=committee.place_name,
        issued_on=issued_on,
        symbol=(options.symbol or DEFAULT_SYMBOL).strip().upper().replace(" ", ""),
        subject=subject,
        addressee=agency.name,
        body=options.body.strip() or _default_body(committee, agency, len(parts), today, reply_by),
        parts=list(parts),
        authority=authority,
        signer_title=title if options.signer_title is None else options.signer_title,
        signer_name=name if options.signer_name is None else options.signer_name,
        recipients=recipients,
        reply_by=reply_by,
        filters=_letter_filters(committee, agency, now),
        generated_at=now,
    )


def _check_member(committee: Committee, agency: Agency) -> None:
    if not Membership.objects.filter(committee=committee, agency=agency).exists():
        raise ActionError(NOT_A_MEMBER % {"agency": agency.name, "committee": committee.name})


def preview_urging_letter(
    committee: Committee,
    agency: Agency,
    *,
    by: User | None,
    options: LetterOptions | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The letter as it will be issued, without a number; nothing is saved.

    `by=None` is an operator's command line.
    """
    if by is not None and not (perms.is_committee_staff(by, committee.pk) or perms.is_admin(by)):
        raise ActionForbidden(NOT_PERMITTED_PREVIEW)
    _check_member(committee, agency)
    now = now or timezone.now()
    parts = overdue_parts_of(committee, agency, now)
    return build_urging_letter(_content(committee, agency, parts, options or LetterOptions(), now))


def next_number(committee: Committee, year: int) -> int:
    """The number the committee's next letter of `year` takes (a race is decided on saving)."""
    last = UrgingLetter.objects.filter(committee=committee, year=year).aggregate(n=Max("number"))
    return (last["n"] or 0) + 1


@atomic_action
def issue_urging_letter(
    committee: Committee,
    agency: Agency,
    *,
    by: User,
    options: LetterOptions | None = None,
    now: dt.datetime | None = None,
) -> UrgingLetter:
    """Number, store and record the letter; each task it lists gets a typed history entry
    (urging letter issued, about this agency)."""
    if not directive_perms.can_issue_urging_letter(committee.pk, by):
        raise ActionForbidden(NOT_PERMITTED)
    _check_member(committee, agency)
    now = now or timezone.now()
    parts = overdue_parts_of(committee, agency, now)
    if not parts:
        raise ActionError(NOTHING_TO_URGE % {"agency": agency.name})
    content = _content(committee, agency, parts, options or LetterOptions(), now)
    year = content.issued_on.year

    # The unique (committee, year, number) constraint decides a race: the loser's savepoint
    # rolls back and it reads the series again (READ COMMITTED sees the winner's row).
    for _attempt in range(NUMBER_ATTEMPTS):
        number = next_number(committee, year)
        try:
            with transaction.atomic():
                letter = UrgingLetter.objects.create(
                    committee=committee,
                    year=year,
                    number=number,
                    symbol=content.symbol,
                    agency=agency,
                    issued_on=content.issued_on,
                    subject=content.subject,
                    body=content.body,
                    reply_by=content.reply_by,
                    signer_name=content.signer_name,
                    signer_title=content.signer_title,
                    authority=content.authority,
                    recipients="\n".join(content.recipients),
                    created_by=by,
                )
            break
        except IntegrityError:
            continue
    else:
        raise ActionConflict(BUSY)

    content.number = letter.number
    letter.pdf.save(
        f"{letter.number:02d}-{content.symbol}.pdf",
        ContentFile(build_urging_letter(content)),
        save=True,
    )
    letter.tasks.set([part.task for part in parts])
    # One typed history entry per task, pointing at the agency, in the letter's transaction.
    task_actions.record_urging_letter(
        (
            (
                part.task,
                TASK_NOTE
                % {
                    "number": letter.number_symbol,
                    "date": vn_date(letter.issued_on),
                    "days": part.days_overdue,
                },
            )
            for part in parts
        ),
        by=by,
        agency=agency,
        number_symbol=letter.number_symbol,
    )
    return letter

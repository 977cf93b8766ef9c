"""The breakdown engine: a directive's text in, its proposed tasks out.

Pipeline: ``text.normalize_text`` (NFC, PDF line wraps, spaces) → ``header.parse_header``
(number, type, issuer, date, subject) → ``structure.parse_structure`` (sections, articles,
items, sub-items, bullets) → which nodes are tasks (sections that assign nothing, intro items
and boilerplate are skipped) → for each task ``roles.find_roles`` (lead and co-ordinating
agencies, inherited from headings and intros when the item names none) and
``deadlines`` (its own date, else a heading's, else the end of a time-bound plan).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from breakdown.agencies import AgencyDirectory
from breakdown.deadlines import (
    FIRM,
    PUBLIC_HOLIDAYS,
    DatePhrase,
    WorkingCalendar,
    choose_deadline,
    find_plan_period_end,
    find_recurrence,
    first_due,
    is_ongoing,
)
from breakdown.header import DirectiveHeader, parse_header
from breakdown.roles import Roles, find_roles
from breakdown.structure import Node, has_structure, parse_structure, ref_of
from breakdown.text import fold, fold_keep_offsets, normalize_text

__all__ = ["Breakdown", "DirectiveHeader", "ProposedTask", "propose_tasks"]

_VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Sections that assign nothing: results, assessments, aims, scope, funding.
_TASK_SECTION = re.compile(
    r"nhiem\ vu|giai\ phap|to\ chuc\ thuc\ hien|phan\ cong|trach\ nhiem|kien\ nghi|de\ xuat"
    r"|phuong\ huong"
    r"|che\ do\ bao\ cao|noi\ dung\ (?:cong\ viec|thuc\ hien|trien\ khai)|ket\ luan|chi\ dao",
    re.VERBOSE,
)
_NON_TASK_SECTION = re.compile(
    r"tinh\ hinh|ket\ qua|danh\ gia|muc\ dich|yeu\ cau|muc\ tieu|han\ che|nguyen\ nhan"
    r"|boi\ canh|can\ cu"
    r"|pham\ vi|doi\ tuong|thoi\ gian|kinh\ phi|thanh\ phan|bai\ hoc|ton\ tai|khuyet\ diem"
    r"|uu\ diem",
    re.VERBOSE,
)
_BOILERPLATE = re.compile(
    r"""co\ hieu\ luc(?:\ thi\ hanh)?\ (?:ke\ )?tu|chiu\ trach\ nhiem\ thi\ hanh
      |^ban\ hanh\ kem\ theo
      |^thanh\ lap\b|^thanh\ phan\b|bai\ bo\b|thay\ the\ quyet\ dinh""",
    re.VERBOSE,
)
# What a working group is made of, not what it does: "Tổ công tác … gồm 14 thành viên là …",
# "ông X … được cử làm Tổ trưởng".
_COMPOSITION = re.compile(
    r"""\bgom\ (?:co\ )?(?:\d+|cac)\ (?:thanh\ vien|dong\ chi)\b
      |\bduoc\ cu\ (?:lam|giu)\ (?:to\ truong|pho\ to\ truong|truong|pho)""",
    re.VERBOSE,
)
# A member list of a working group: "Ông Lê Thanh Hải - Chánh Văn phòng …, Tổ trưởng".
_PERSON = re.compile(r"^(?:Ông|Bà|Đồng\s+chí)\s+(?:[A-ZĐÀ-Ỹ][^\s,()–-]*\s*){1,4}[-–,(]")
_IMPERATIVE = re.compile(
    r"""\b(?:can|phai|tiep\ tuc|giao|de\ nghi|yeu\ cau|chu\ tri|khan\ truong|tang\ cuong
      |day\ manh|trien\ khai
      |thuc\ hien|xay\ dung|to\ chuc|chi\ dao|bao\ cao|ra\ soat|kiem\ tra|tham\ muu|nghien\ cuu
      |theo\ doi
      |huong\ dan|phoi\ hop|chu\ dong|tap\ trung|doi\ moi|nang\ cao|quan\ triet|dam\ bao
      |bao\ dam|xu\ ly
      |dau\ tranh|ngan\ chan|tuyen\ truyen|kiem\ soat|lap\ ho\ so|don\ doc|de\ cao|chu\ trong
      |sua\ doi
      |bo\ sung|hoan\ thien|hoan\ thanh|tong\ hop|phat\ hien|ung\ dung|cung\ cap|trao\ doi
      |tiep\ nhan|ban\ hanh|lap\ ke\ hoach|xac\ minh|truy\ quet|tuan\ tra)\b""",
    re.VERBOSE,
)
# In a news text or letter, where the directing starts.
_DIRECTING = re.compile(
    r"\b(?:can|phai|yeu\ cau|de\ nghi|giao|nhan\ manh|khan\ truong|co\ nhiem\ vu"
    r"|chu\ tri,\ phoi\ hop)\b",
    re.VERBOSE,
)
# A news text's narrative: who attended, what was assessed or praised.
_NARRATIVE_OPENING = re.compile(
    r"""^[\s"“]*(?:(?:sang|chieu|toi)\ (?:ngay\ )?\d|ngay\ \d|tai\ |hoi\ nghi\s
      |cuoc\ hop\ |cung\ tham\ du|tham\ du\ |theo\ do\ |thong\ bao\ neu\ ro)""",
    re.VERBOSE,
)
# "… vừa ký Quyết định số 14 …": the news of a directive, not one of its tasks.
_NEWS_LEDE = re.compile(
    r"\bvua\ (?:ky|ban\ hanh|co\ (?:thong\ bao|van\ ban|cong\ van))\b", re.VERBOSE
)
_ASSESSING = re.compile(
    r"\b(?:danh\ gia|nhan\ dinh|bieu\ duong|ghi\ nhan|tham\ du|dien\ ra|thao\ luan|phat\ bieu)\b",
    re.VERBOSE,
)
_STARTS_IMPERATIVE = re.compile(
    r"""^[\s"“'(-]*(?:(?:dong\ thoi|ngoai\ ra|ben\ canh\ do|dac\ biet|mat\ khac|cu\ the)\s*,?\s*)*
        (?:tiep\ tuc|tang\ cuong|day\ manh|trien\ khai|thuc\ hien|xay\ dung|to\ chuc|chi\ dao
          |ra\ soat
          |kiem\ tra|khan\ truong|chu\ dong|tap\ trung|doi\ moi|nang\ cao|quan\ triet|dam\ bao
          |bao\ dam
          |phoi\ hop|nghien\ cuu|tham\ muu|huong\ dan|theo\ doi|don\ doc|chu\ trong|de\ cao
          |kien\ quyet)\b""",
    re.VERBOSE,
)
# "đã tổng hợp, báo cáo": every verb of a list that "đã" puts in the past.
_PAST = re.compile(r"\b(?:da|dang|vua)\s+\w+(?:\s+\w+)?(?:\s*,\s*\w+(?:\s+\w+)?)*", re.VERBOSE)
_AGREEMENT = re.compile(
    r"^\s*(?:thong\ nhat|dong\ y|chap\ thuan|co\ ban\ thong\ nhat)\b", re.VERBOSE
)
_HEADING_END = re.compile(r"[:]\s*$")


@dataclass
class ProposedTask:
    ref: str
    text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    all_members: bool = False
    deadline: dt.date | None = None
    deadline_rule: str | None = None
    recurrence: dict | None = None

    def to_dict(self) -> dict:
        return {
            "ref": self.ref,
            "text": self.text,
            "lead": list(self.lead),
            "support": list(self.support),
            "all_members": self.all_members,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_rule": self.deadline_rule,
            "recurrence": dict(self.recurrence) if self.recurrence else None,
        }


@dataclass
class Breakdown:
    directive: DirectiveHeader
    tasks: list[ProposedTask]
    unmatched: list[str]
    # Why the engine stopped before the end of the text (too long, out of time), for the user;
    # empty when it read everything.
    stopped: str = ""

    def to_dict(self) -> dict:
        result = {
            "directive": self.directive.to_dict(),
            "tasks": [task.to_dict() for task in self.tasks],
            "unmatched": list(self.unmatched),
        }
        if self.stopped:
            result["stopped"] = self.stopped
        return result


# Bounded work: the engine reads at most MAX_TEXT_CHARS of a text (a directive runs to tens of
# thousands) and stops proposing after TIME_BUDGET_SECONDS; either way it says so.
MAX_TEXT_CHARS = 200_000
TIME_BUDGET_SECONDS = 10.0


def _cut(text: str, max_chars: int) -> tuple[str, str]:
    if len(text) <= max_chars:
        return text, ""
    end = text.rfind("\n", 0, max_chars)
    kept = text[: end if end > max_chars // 2 else max_chars]
    note = (
        f"Văn bản dài {len(text):,} ký tự, quá giới hạn {max_chars:,} ký tự: chỉ đề xuất "
        "nhiệm vụ từ phần đầu; hãy chia văn bản hoặc nhập các nhiệm vụ còn lại."
    ).replace(",", ".")
    return kept, note


@dataclass
class _Candidate:
    ref: str
    text: str
    context: list[str]  # texts of headings and intros above it, nearest first


def propose_tasks(
    text: str,
    directory: AgencyDirectory,
    *,
    today: dt.date | None = None,
    calendar: WorkingCalendar = PUBLIC_HOLIDAYS,
    max_chars: int = MAX_TEXT_CHARS,
    time_budget: float | None = TIME_BUDGET_SECONDS,
) -> Breakdown:
    """Read a directive's text and propose its tasks. Working days are counted with
    `calendar`: the product passes its own (with the administrator's days off and make-up
    days), so "10 ngày làm việc" means the same day here as on the task page. The engine reads
    at most `max_chars` and works at most `time_budget` seconds; `Breakdown.stopped` says when
    it stopped early."""
    started = time.monotonic()
    text, stopped = _cut(text, max_chars)
    lines = normalize_text(text).split("\n")
    header, body_start = parse_header(lines)
    signed_on = header.issued_on or today or dt.datetime.now(tz=_VN).date()
    body, recipients_text = _split_recipients(lines[body_start:])
    recipients = find_roles(recipients_text, directory) if recipients_text else Roles()
    if recipients.leads or recipients.all_members:
        recipients.supports = []
    root = parse_structure(body)
    plan_end = _plan_end(header, root, body, signed_on)

    candidates = (
        _structured_candidates(root, directory)
        if has_structure(root)
        else _flat_candidates(root, directory)
    )
    tasks: list[ProposedTask] = []
    unmatched: list[str] = []
    for index, candidate in enumerate(candidates):
        if time_budget is not None and time.monotonic() - started > time_budget:
            stopped = (
                f"Dừng sau {time_budget:g} giây: đã xem {index}/{len(candidates)} mục của văn "
                "bản; hãy kiểm tra và nhập các nhiệm vụ còn lại."
            )
            break
        task = _build_task(
            candidate, directory, signed_on, plan_end, unmatched, recipients, calendar
        )
        if task is not None:
            tasks.append(task)
    return Breakdown(header, tasks, unmatched, stopped)


# --- which parts of the text are tasks -------------------------------------------------


def _section_assigns(node: Node) -> bool:
    for ancestor in [node, *node.ancestors()]:
        if ancestor.kind not in {"section", "article", "item"} or not ancestor.title:
            continue
        if ancestor.kind == "item" and ancestor is not node and ancestor.structured_children:
            title = fold(ancestor.title)
            if (
                len(title.split()) <= 8
                and _NON_TASK_SECTION.search(title)
                and not _TASK_SECTION.search(title)
            ):
                return False
            continue
        if ancestor.kind == "item":
            continue
        title = fold(ancestor.title)
        if (
            ancestor.kind == "section"
            and not _TASK_SECTION.search(title)
            and _NON_TASK_SECTION.search(title)
        ):
            return False
    return True


def _is_heading(title: str) -> bool:
    """A heading introduces what follows: short, no full sentence of its own."""
    words = title.split()
    return bool(words) and (
        (_HEADING_END.search(title) and len(words) <= 20)
        or (len(words) <= 10 and not title.endswith("."))
    )


def _agency_heading(node: Node, directory: AgencyDirectory) -> bool:
    """An item whose heading is just an agency's name: "1. Sở Công Thương:"."""
    title = re.sub(r"\([^()]*\)", " ", node.title).strip(" :.-–")
    title = re.sub(
        r"^(?:Đối với|Giao|Trách nhiệm của|Nhiệm vụ của)\s+", "", title, flags=re.IGNORECASE
    )
    if not title or len(title.split()) > 16:
        return False
    mentions = directory.find_mentions(title)
    if not mentions:
        return False
    leftover = title
    for mention in sorted(mentions, key=lambda m: -m.start):
        leftover = leftover[: mention.start] + leftover[mention.end :]
    return not re.sub(r"(?i)\b(?:và|các|chủ trì|phối hợp|với|cùng)\b|[,;:]", " ", leftover).strip()


def _context_of(node: Node) -> list[str]:
    """Headings and intros above a node, nearest first; the body's own intro ("… đề nghị
    Công an tỉnh, BĐBP tỉnh thực hiện các nội dung sau:") applies to every item."""
    context = []
    for ancestor in node.ancestors():
        if ancestor.kind == "root":
            intro = fold(ancestor.paragraphs[-1]) if ancestor.paragraphs else ""
            if _INTRODUCES.search(intro) and _DIRECTING.search(intro):
                context.append(ancestor.paragraphs[-1])
            break
        context.append(ancestor.text)
    return context


# In the opening of a conclusion, the clause that turns to an agency: "…; đề nghị Sở Công
# Thương … hoàn chỉnh báo cáo." ("theo đề nghị của X" only reports who proposed).
_OPENING_ORDER = re.compile(r"(?:^|[;,.]\s*)(?:de\ nghi|yeu\ cau|giao)\s+(?!cua\b)", re.VERBOSE)


def _opening_candidates(root: Node, directory: AgencyDirectory) -> list[_Candidate]:
    """Before the numbered sections, only a clause that directs a named agency is a task;
    who attended, what was heard and what was agreed are not."""
    found: list[_Candidate] = []
    for paragraph in root.paragraphs:
        folded = fold_keep_offsets(paragraph)
        if _INTRODUCES.search(folded) or _NARRATIVE_OPENING.match(folded):
            continue
        order = _OPENING_ORDER.search(folded)
        if not order:
            continue
        start = order.start() + len(order.group()) - len(order.group().lstrip(";,. "))
        end = folded.find(". ", start)
        clause = paragraph[start : end + 1 if end >= 0 else len(paragraph)].strip()
        if find_roles(clause, directory).leads:
            found.append(_Candidate("", clause[:1].upper() + clause[1:], []))
    return found


def _structured_candidates(root: Node, directory: AgencyDirectory) -> list[_Candidate]:
    found: list[_Candidate] = _opening_candidates(root, directory)

    def visit(node: Node) -> None:
        for child in node.children:
            if child.kind == "bullet":
                continue
            if not _section_assigns(child):
                continue
            if child.structured_children:
                visit(child)
                continue
            found.extend(_leaf_candidates(child, directory))

    visit(root)
    return found


def _leaf_candidates(node: Node, directory: AgencyDirectory) -> list[_Candidate]:
    """A node without structured children: one task, or one per paragraph or bullet when
    its heading only names who does them (or only introduces them)."""
    ref = ref_of(node)
    context = _context_of(node)
    bullets = [c for c in node.children if c.kind == "bullet"]
    parts = [*node.paragraphs, *(_bullet_text(b) for b in bullets)]
    agency_heading = node.title and _agency_heading(node, directory)
    heading = (
        agency_heading
        or (node.kind in {"section", "article"} and _is_heading(node.title))
        or (not node.title and parts)
    )
    if parts and (heading or (_is_heading(node.title) and bullets and _bullets_are_tasks(bullets))):
        own_context = [node.title, *context] if node.title else context
        if len(parts) == 1 and ref:
            return [_Candidate(ref, parts[0], own_context)]  # one task: the heading's own place
        return [
            _Candidate(f"{ref}.{index}" if ref else str(index), part, own_context)
            for index, part in enumerate(parts, start=1)
        ]
    text = " ".join(
        [node.title, *node.paragraphs, *(_bullet_text(b, marker=True) for b in bullets)]
    ).strip()
    return [_Candidate(ref, text, context)] if text else []


def _bullets_are_tasks(bullets: list[Node]) -> bool:
    # Bullets that start in lower case continue a sentence ("các mặt hàng: - xăng dầu;").
    return all(b.title[:1].isupper() and len(b.title.split()) >= 5 for b in bullets)


def _bullet_text(bullet: Node, *, marker: bool = False) -> str:
    own = " ".join([bullet.title, *bullet.paragraphs])
    nested = " ".join(_bullet_text(child, marker=True) for child in bullet.children)
    text = f"{own} {nested}".strip()
    return f"{bullet.label} {text}" if marker else text


def _flat_candidates(root: Node, directory: AgencyDirectory) -> list[_Candidate]:
    """No numbering at all (a news text, a short letter): paragraphs that direct someone."""
    found: list[_Candidate] = []
    folded_paragraphs = [fold(paragraph) for paragraph in root.paragraphs]
    for paragraph, folded in zip(root.paragraphs, folded_paragraphs, strict=True):
        if folded_paragraphs.count(folded) > 1:
            continue  # a photo caption or pull quote a news text repeats: not a duty of its own
        words = paragraph.split()
        if len(words) < 20 and not paragraph.rstrip().endswith((".", ";", '"', "”")):
            continue  # a headline or a by-line
        if _INTRODUCES.search(folded) or _COURTESY.search(folded):
            continue
        if _NARRATIVE_OPENING.match(folded) or _NEWS_LEDE.search(folded, 0, 200):
            continue
        present = _without_past(folded)
        cue = _DIRECTING.search(present)
        assessing = _ASSESSING.search(present, 0, 120)  # the main clause, not a detail
        if cue and assessing and assessing.start() < cue.start():
            cue = None  # "… nhận định, tình hình … cần …": an assessment, not an order
        directing = bool(cue or _STARTS_IMPERATIVE.match(folded))
        if not directing and not assessing:
            roles = find_roles(paragraph, directory)
            directing = bool(roles.leads or roles.all_members) and bool(_IMPERATIVE.search(present))
        if directing:
            found.append(_Candidate(str(len(found) + 1), paragraph, []))
    return found


# "… thực hiện một số nội dung sau đây:" introduces; "trân trọng đề nghị … quan tâm" closes.
_INTRODUCES = re.compile(r"(?:sau\ day|nhu\ sau|sau)\s*[:.]?\s*$", re.VERBOSE)
_COURTESY = re.compile(
    r"tran\ trong|quan\ tam\ (?:phoi\ hop|chi\ dao|thuc\ hien)|biet,?\ (?:va\ )?thuc\ hien",
    re.VERBOSE,
)


# Words that look like verbs but name things: "Ban Chỉ đạo", "Về việc bổ sung kinh phí:".
_NOT_VERBS = re.compile(r"ban\ chi\ dao|bcd|^\s*(?:ve|doi\ voi)\b[^:;.]{0,100}:", re.VERBOSE)


def _without_past(folded: str) -> str:
    return _PAST.sub(" ", _NOT_VERBS.sub(" ", folded))


def _looks_like_task(text: str, roles: Roles) -> bool:
    folded = fold(text).strip()
    if len(folded.split()) < 3 or _BOILERPLATE.search(folded) or _PERSON.match(text.strip()):
        return False
    if _COMPOSITION.search(folded):
        return False
    if _AGREEMENT.match(folded):
        return roles.explicit
    # A named agency with a verb we do not list is a task, unless it reports what was done.
    return bool(_IMPERATIVE.search(_without_past(folded))) or (
        roles.explicit and not _PAST.search(folded)
    )


# --- roles and deadlines of one task ----------------------------------------------------


def _build_task(
    candidate: _Candidate,
    directory: AgencyDirectory,
    signed_on: dt.date,
    plan_end: DatePhrase | None,
    unmatched: list[str],
    recipients: Roles,
    calendar: WorkingCalendar,
) -> ProposedTask | None:
    roles = find_roles(candidate.text, directory)
    if not _looks_like_task(candidate.text, roles):
        return None
    supports = list(roles.supports)
    _merge(unmatched, roles.unmatched)
    if not roles.explicit:
        for context in candidate.context:
            inherited = find_roles(context, directory)
            if inherited.explicit:
                roles = inherited
                _merge(unmatched, inherited.unmatched)
                break
        else:
            # Nobody named: the letter's addressees ("Kính gửi"), or every member.
            if recipients.explicit:
                roles = Roles(leads=list(recipients.leads), all_members=recipients.all_members)
            else:
                roles = Roles(all_members=True)
        _merge(supports, roles.supports)
    supports = [code for code in supports if code not in roles.leads]
    answered = _answered_party(candidate, directory, roles)
    if answered:
        # "Đối với các kiến nghị của X: … giao X, Y, Z nghiên cứu …": X leads, Y, Z help.
        supports = [*(code for code in roles.leads if code != answered), *supports]
        roles = Roles(leads=[answered])

    task = ProposedTask(
        ref=candidate.ref,
        text=candidate.text,
        lead=list(roles.leads),
        support=supports,
        all_members=roles.all_members,
    )
    recurrence = find_recurrence(candidate.text)
    if recurrence:
        task.recurrence = recurrence[0]
    deadline = choose_deadline(candidate.text, signed_on=signed_on, calendar=calendar)
    if deadline is None:
        for context in candidate.context:
            heading_date = choose_deadline(context, signed_on=signed_on, calendar=calendar)
            if heading_date and heading_date.strength >= FIRM:
                deadline = heading_date
                break
    if deadline is not None and recurrence and fold(deadline.text) in fold(recurrence[1]):
        deadline = None  # "trước ngày 29 tháng 11 hàng năm": the duty's day, not a one-off date
    if deadline is not None and (deadline.strength >= FIRM or not recurrence):
        task.deadline, task.deadline_rule = deadline.date, deadline.text
    elif recurrence:
        # A periodic duty is first due on its first day after signing.
        task.deadline = first_due(recurrence[0], candidate.text, signed_on=signed_on)
        task.deadline_rule = recurrence[1]
    elif is_ongoing(candidate.text):
        task.deadline_rule = is_ongoing(candidate.text)
    elif plan_end is not None:
        task.deadline, task.deadline_rule = plan_end.date, plan_end.text
    return task


# "Đối với các kiến nghị của UBND thành phố Hà Tiên:": whose requests the items answer.
_ANSWERS_TO = re.compile(r"\b(?:kien\ nghi|de\ nghi|de\ xuat)\ (?:cua|do)\s*$", re.VERBOSE)


def _answered_party(candidate: _Candidate, directory: AgencyDirectory, roles: Roles) -> str | None:
    """When an item answers one body's requests and lists several leads without saying who
    leads ("chủ trì"), the body whose request it answers leads."""
    if len(roles.leads) < 2 or "chu tri" in fold(candidate.text):
        return None
    for context in candidate.context[:2]:
        folded = fold_keep_offsets(context)
        for mention in directory.find_mentions(context):
            if (
                len(mention.codes) == 1
                and mention.codes[0] in roles.leads
                and _ANSWERS_TO.search(folded[max(0, mention.start - 30) : mention.start])
            ):
                return mention.codes[0]
    return None


def _merge(target: list[str], values: list[str]) -> None:
    for value in values:
        if value not in target:
            target.append(value)


_RECIPIENTS = re.compile(r"^kinh\ gui\s*:?\s*", re.VERBOSE)
_LIST_LINE = re.compile(r"^[-–+•*]\s*")


def _split_recipients(body: list[str]) -> tuple[list[str], str]:
    """Take the "Kính gửi:" block (a letter's addressees) out of the body."""
    for index, line in enumerate(body[:12]):
        match = _RECIPIENTS.match(fold(line))
        if not match:
            continue
        names = [line[match.end() :]]
        end = index + 1
        while end < len(body) and _LIST_LINE.match(body[end]) and len(body[end]) < 160:
            names.append(_LIST_LINE.sub("", body[end]))
            end += 1
        text = "; ".join(name.strip(" ;.") for name in names if name.strip(" ;."))
        return [*body[:index], *body[end:]], text
    return body, ""


def _plan_end(
    header: DirectiveHeader, root: Node, body: list[str], signed_on: dt.date
) -> DatePhrase | None:
    """The end of a time-bound plan, from its subject or a "thời gian" line."""
    if header.subject:
        found = find_plan_period_end(header.subject, signed_on=signed_on)
        if found:
            return found
    for line in body:
        if "thoi gian" in fold(line):
            found = find_plan_period_end(line, signed_on=signed_on)
            if found:
                return found
    return None

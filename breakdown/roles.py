"""Who does a task: lead (chủ trì) and co-ordinating (phối hợp) agencies.

Only mentions in a *role position* count: the subject of a clause, the object of
"giao"/"đề nghị"/"yêu cầu", the agency before "chủ trì", the list after "phối hợp với".
An agency the text merely mentions ("hồ sơ của Cục QLTT chuyển qua", "đề xuất UBND
tỉnh") is not given the task.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from breakdown.agencies import AgencyDirectory, Mention
from breakdown.text import fold_keep_offsets

# A person named by office stands for the agency: "Giám đốc Sở Y tế", "Chủ tịch UBND huyện".
_PERSON_TITLE = r"""(?:(?:dong\ chi|ong|ba)\s+)?(?:pho\s+)?
    (?:giam\ doc|thu\ truong|chu\ tich|cuc\ truong|chi\ cuc\ truong|chi\ huy\ truong
      |chanh\ van\ phong|truong\ ban|bo\ truong|tong\ cuc\ truong)\s+(?:cac\s+)?"""
# Between two members of one list: "X, Y và Z", "X; Y", "X (CQTT), Y".
_LIST_GAP = re.compile(
    rf"^\s*(?:\([^()]{{0,80}}\))?\s*(?:,|;|va|,\s*va)?\s*(?:cac\s+)?(?:{_PERSON_TITLE})?$",
    re.VERBOSE,
)
# From the start of a clause to its subject.
_SUBJECT_GAP = re.compile(
    rf"""^[\s\-–+•*"“”'(]*
        # A topic label: "Về công tác kiểm tra: Cục QLTT tỉnh …".
        (?:(?:ve|doi\ voi)\b[^:;]{{0,80}}:\s*)?
        # An opening purpose or basis clause: "Để …, Sở Y tế tăng cường …".
        (?:(?:de|nham|tren\ co\ so|can\ cu|theo|trong|thuc\ hien|truoc\ mat|tu\ nay)
           \b[^;:]{{0,160}}?,\s*)?
        (?:(?:dong\ thoi|ngoai\ ra|rieng|dac\ biet|trong\ do|tiep\ theo|sau\ do|mat\ khac
          |ben\ canh\ do
            |tren\ co\ so\ do|doi\ voi|ve\ phia|(?:trach\ nhiem|nhiem\ vu)(?:\ cua)?)\s*,?\s*)*
        (?:(?:giao\ nhiem\ vu\ cho|giao\ cho|giao|de\ nghi|yeu\ cau|chi\ dao|phan\ cong
          |doi\ voi)\s*:?\s*[“"]?\s*)?
        (?:cac\s+)?(?:(?:so|bo|cuc|chi\ cuc|uy\ ban\ nhan\ dan\ (?:cac\ )?(?:huyen
          |tinh))\s*:\s*)?(?:{_PERSON_TITLE})?$""",
    re.VERBOSE,
)
# An explicit addressing word right before the list: "… giao X", "… đề nghị X".
_ADDRESS_GAP = re.compile(
    rf"""(?:^|[\s,:;(])(?:giao\ nhiem\ vu\ cho|giao\ cho|giao|de\ nghi|yeu\ cau
      |phan\ cong)\s*:?\s*[“"]?\s*(?:cac\s+)?(?:{_PERSON_TITLE})?$""",
    re.VERBOSE,
)
# Between the lead and "chủ trì": "X (Cơ quan Thường trực) chủ trì", "do X làm cơ quan chủ trì".
_BEFORE_LEAD_CUE = re.compile(
    r"^\s*(?:\([^()]{0,80}\))?\s*,?\s*(?:(?:la|lam|giu\ vai\ tro)\s+(?:co\ quan|don\ vi)?\s*)?$",
    re.VERBOSE,
)
_LEAD_CUE = re.compile(r"\bchu\ tri\b", re.VERBOSE)
_LEAD_FIELD = re.compile(r"\b(?:co\ quan|don\ vi|luc\ luong)\ chu\ tri\s*:", re.VERBOSE)
_SUPPORT_FIELD = re.compile(r"\b(?:co\ quan|don\ vi|luc\ luong)\ phoi\ hop\s*:", re.VERBOSE)
_SUPPORT_CUE = re.compile(
    r"""\b(?:phoi\ hop(?:\ chat\ che)?(?:\ voi|\ cung)?|su\ phoi\ hop\ cua|su\ tham\ gia\ cua
        |cung\ voi|tham\ gia\ cung)\s*:?\s*(?:cac\s+)?
        (?:(?:co\ quan|don\ vi|luc\ luong)[^:;]{0,30}:\s*)?$""",
    re.VERBOSE,
)
_SUPPORT_AFTER = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:cung\s+)?phoi\ hop\b(?!\s+voi)", re.VERBOSE)
# "Thống nhất theo đề nghị của X": the proposer carries out what was agreed.
_PROPOSER_CUE = re.compile(r"\b(?:theo\ )?(?:de\ nghi|kien\ nghi|de\ xuat)\ cua\s*$", re.VERBOSE)
_AGREEMENT = re.compile(r"^\s*(?:thong\ nhat|dong\ y|chap\ thuan)\b", re.VERBOSE)
_SOURCE_BEFORE = re.compile(
    r"\b(?:ho\ so|vu\ viec|tai\ lieu|thong\ tin|tin\ bao)(?:\ [a-z]+){0,6}\ (?:cua|do)\s*$",
    re.VERBOSE,
)
_SOURCE_AFTER = re.compile(r"^\s*(?:\([^()]*\)\s*)?(?:chuyen|cung\ cap|gui)\b", re.VERBOSE)
_CLAUSE_SPLIT = re.compile(r";|\.\s|:\s(?=[-–+•“\"]|(?:giao|de\ nghi|yeu\ cau)\b)", re.VERBOSE)


@dataclass
class Roles:
    leads: list[str] = field(default_factory=list)
    supports: list[str] = field(default_factory=list)
    all_members: bool = False
    unmatched: list[str] = field(default_factory=list)
    all_supports: bool = False
    unresolved_lead: bool = False

    @property
    def explicit(self) -> bool:
        # An agency we cannot resolve still names who leads: never widen it to everyone.
        return bool(self.leads) or self.all_members or self.unresolved_lead

    def add_leads(self, mentions: list[Mention]) -> None:
        for mention in mentions:
            if mention.group == "all":
                self.all_members = True
            elif mention.codes:
                _extend(self.leads, mention.codes)
            else:
                _extend(self.unmatched, [mention.text])
                self.unresolved_lead = True

    def add_supports(self, mentions: list[Mention]) -> None:
        for mention in mentions:
            if mention.group == "all":
                self.all_supports = True  # "phối hợp với các sở, ngành, địa phương"
            elif mention.codes:
                _extend(self.supports, mention.codes)
            else:
                _extend(self.unmatched, [mention.text])

    def finish(self, directory: AgencyDirectory | None = None) -> Roles:
        if self.all_supports and directory is not None and not self.all_members:
            _extend(self.supports, directory.codes)
        self.supports = [code for code in self.supports if code not in self.leads]
        if self.all_members:
            self.leads = []
        return self


def _extend(target: list[str], values: Iterable[str]) -> None:
    for value in values:
        if value not in target:
            target.append(value)


def _clauses(folded: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_SPLIT.finditer(folded):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(folded)))
    return [(s, e) for s, e in spans if folded[s:e].strip()]


def _list_from(mentions: list[Mention], first: int, folded: str) -> list[Mention]:
    """The mentions forming a list that starts with mentions[first]."""
    chosen = [mentions[first]]
    for index in range(first + 1, len(mentions)):
        gap = folded[chosen[-1].end : mentions[index].start]
        if not _LIST_GAP.match(gap):
            break
        chosen.append(mentions[index])
    return chosen


def _list_ending_at(mentions: list[Mention], last: int, folded: str) -> list[Mention]:
    chosen = [mentions[last]]
    for index in range(last - 1, -1, -1):
        gap = folded[mentions[index].end : chosen[0].start]
        if not _LIST_GAP.match(gap):
            break
        chosen.insert(0, mentions[index])
    return chosen


def find_roles(text: str, directory: AgencyDirectory) -> Roles:
    """Lead and co-ordinating agencies the text itself names in role positions."""
    text = unicodedata.normalize("NFC", text)
    roles = Roles()
    folded = fold_keep_offsets(text)
    mentions = directory.find_mentions(text)
    for start, end in _clauses(folded):
        clause = [m for m in mentions if m.start >= start and m.end <= end]
        if not clause:
            continue
        _read_clause(roles, clause, folded, start, end)
    if not roles.leads and not roles.all_members and _AGREEMENT.match(folded):
        for index, mention in enumerate(mentions):
            if _PROPOSER_CUE.search(folded[max(0, mention.start - 30) : mention.start]):
                roles.add_leads(_list_from(mentions, index, folded))
                break
    for mention in mentions:
        # "hồ sơ của Cục QLTT chuyển qua": the body the files come from works with the lead.
        if _SOURCE_BEFORE.search(folded[max(0, mention.start - 40) : mention.start]) and (
            _SOURCE_AFTER.match(folded[mention.end : mention.end + 30])
        ):
            roles.add_supports([mention])
    return roles.finish(directory)


def _read_clause(roles: Roles, clause: list[Mention], folded: str, start: int, end: int) -> None:
    used: set[int] = set()

    def take(chosen: list[Mention]) -> list[Mention]:
        for mention in chosen:
            used.add(id(mention))
        return chosen

    # Labelled fields of plan tables: "Cơ quan chủ trì: X; cơ quan phối hợp: Y, Z".
    for pattern, adder in ((_LEAD_FIELD, roles.add_leads), (_SUPPORT_FIELD, roles.add_supports)):
        for match in pattern.finditer(folded, start, end):
            after = [i for i, m in enumerate(clause) if m.start >= match.end()]
            if after and not folded[match.end() : clause[after[0]].start].strip(" :"):
                adder(take(_list_from(clause, after[0], folded)))

    # "X chủ trì": the list just before the cue.
    for match in _LEAD_CUE.finditer(folded, start, end):
        if _LEAD_FIELD.search(folded, max(start, match.start() - 12), match.end() + 2):
            continue
        before = [i for i, m in enumerate(clause) if m.end <= match.start()]
        if before and _BEFORE_LEAD_CUE.match(folded[clause[before[-1]].end : match.start()]):
            roles.add_leads(take(_list_ending_at(clause, before[-1], folded)))

    has_lead_cue = bool(_LEAD_CUE.search(folded, start, end))
    for index, mention in enumerate(clause):
        if id(mention) in used:
            continue
        gap_start = clause[index - 1].end if index else start
        gap = folded[gap_start : mention.start]
        if _SUPPORT_CUE.search(gap):
            roles.add_supports(take(_list_from(clause, index, folded)))
            continue
        members = _list_from(clause, index, folded)
        if has_lead_cue and _SUPPORT_AFTER.match(folded, members[-1].end, end):
            roles.add_supports(take(members))  # "X chủ trì, Y, Z phối hợp thực hiện"
            continue
        leading = folded[start : mention.start]
        if (index == 0 or all(id(m) in used for m in clause[:index])) and _SUBJECT_GAP.match(
            leading
        ):
            roles.add_leads(take(_list_from(clause, index, folded)))
            continue
        if _ADDRESS_GAP.search(gap):
            roles.add_leads(take(_list_from(clause, index, folded)))

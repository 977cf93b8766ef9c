"""Agency directory: finds agency mentions in a text and resolves them to codes.

Matching is done on *canonical tokens*: accent-free, lower-case, with the usual
abbreviations expanded ("UBND" -> "uy ban nhan dan", "BĐBP" -> "bo doi bien phong",
"NN&PTNT" -> "nong nghiep va phat trien nong thon"), so that every spelling of a name
meets every other one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from breakdown.text import fold, fold_keep_offsets

# Abbreviations as they appear in directives, expanded to canonical tokens.
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "ubmttq": "uy ban mat tran to quoc",
    "ubmttqvn": "uy ban mat tran to quoc viet nam",
    "tp": "thanh pho",
    "tx": "thi xa",
    "bcd": "ban chi dao",
    "bcđ": "ban chi dao",
    "bdbp": "bo doi bien phong",
    "bchq": "bo chi huy quan su",
    "bch": "bo chi huy",
    "qltt": "quan ly thi truong",
    "nn&ptnt": "nong nghiep va phat trien nong thon",
    "nnptnt": "nong nghiep va phat trien nong thon",
    "nn": "nong nghiep",
    "ptnt": "phat trien nong thon",
    "tt&tt": "thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "tn&mt": "tai nguyen va moi truong",
    "tnmt": "tai nguyen va moi truong",
    "kh&dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "kh&cn": "khoa hoc va cong nghe",
    "khcn": "khoa hoc va cong nghe",
    "gtvt": "giao thong van tai",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "ld-tb&xh": "lao dong thuong binh va xa hoi",
    "vhttdl": "van hoa the thao va du lich",
    "vh,tt&dl": "van hoa the thao va du lich",
    "nhnn": "ngan hang nha nuoc",
    "vptt": "van phong thuong truc",
    "vpcp": "van phong chinh phu",
    "bqp": "bo quoc phong",
    "bca": "bo cong an",
    "btc": "bo tai chinh",
    "bct": "bo cong thuong",
    "csgt": "canh sat giao thong",
    "cskt": "canh sat kinh te",
    "bqlkkt": "ban quan ly khu kinh te",
    "kkt": "khu kinh te",
    "hq": "hai quan",
    "cshs": "canh sat hinh su",
    "pttH": "phat thanh truyen hinh",
    "ptth": "phat thanh truyen hinh",
    "pt-th": "phat thanh truyen hinh",
    "ubdt": "uy ban dan toc",
}

# Bare forms too vague to name one agency on their own.
_VAGUE_FORMS = {
    "cong an",
    "hai quan",
    "thue",
    "bien phong",
    "quan ly thi truong",
    "uy ban nhan dan",
    "ban chi dao",
    "van phong",
    "thanh tra",
    "so",
    "bo",
    "cuc",
}

# Head words of lists that share them: "Các Bộ Tư pháp, Công Thương", "Các Sở: Y tế, Tài chính".
_SHARED_HEADS: tuple[tuple[str, ...], ...] = (
    ("chi", "cuc"),
    ("bo",),
    ("so",),
    ("cuc",),
    ("uy", "ban", "nhan", "dan", "huyen"),
    ("uy", "ban", "nhan", "dan", "thanh", "pho"),
    ("uy", "ban", "nhan", "dan", "thi", "xa"),
    ("uy", "ban", "nhan", "dan", "tinh"),
    ("uy", "ban", "nhan", "dan", "xa"),
    ("uy", "ban", "nhan", "dan", "cac", "huyen"),
    ("uy", "ban", "nhan", "dan", "cac", "tinh"),
    ("uy", "ban", "nhan", "dan", "cac", "xa"),
)

# First tokens of something that looks like an agency name (for "unmatched").
_AGENCY_HEADS: tuple[tuple[str, ...], ...] = (
    ("uy", "ban", "nhan", "dan"),
    ("uy", "ban"),
    ("bo", "chi", "huy"),
    ("ban", "chi", "huy"),
    ("ban", "quan", "ly"),
    ("ban", "chi", "dao"),
    ("bo", "doi", "bien", "phong"),
    ("chi", "cuc"),
    ("tong", "cuc"),
    ("cong", "an"),
    ("ngan", "hang"),
    ("kho", "bac"),
    ("thanh", "tra"),
    ("van", "phong"),
    ("trung", "tam"),
    ("vien", "kiem", "sat"),
    ("toa", "an"),
    ("hai", "quan"),
    ("canh", "sat"),
    ("lien", "doan"),
    ("hoi",),
    ("dai",),
    ("bao",),
    ("so",),
    ("cuc",),
    ("bo",),
    ("doi",),
    ("phong",),
)
_WORKING_GROUP = re.compile(
    r"\b(?:to\ cong\ tac|to\ giup\ viec|doan\ (?:kiem\ tra|cong\ tac))(?:\ lien\ nganh)?\b",
    re.VERBOSE,
)
_PLACE_WORDS = {"tinh", "huyen", "thanh", "pho", "thi", "xa", "phuong", "quan", "trung", "uong"}

_TOKEN = re.compile(r"[^\W_]+(?:[&][^\W_]+)*|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class AgencyRecord:
    """One member agency of a committee, as the directory knows it."""

    code: str
    name: str
    short_name: str = ""
    aliases: Sequence[str] = ()
    kind: str = "other"


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    folded: str

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()


@dataclass(frozen=True)
class Mention:
    """An agency-like span of the text.

    ``codes`` is empty for a name that looks like an agency but is not in the directory;
    ``group`` is "all" for every member, a kind ("province", "district") for every
    member of that kind, or "" for one agency.
    """

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    group: str = ""

    @property
    def resolved(self) -> bool:
        return bool(self.codes) or self.group == "all"


def tokenize(text: str) -> list[Token]:
    folded = fold_keep_offsets(text)
    return [
        Token(m.group(), m.start(), m.end(), folded[m.start() : m.end()])
        for m in _TOKEN.finditer(text)
    ]


def canonical_tokens(tokens: Sequence[Token]) -> tuple[list[str], list[int]]:
    """Expand abbreviations; return canonical tokens and, for each, its source token index."""
    out: list[str] = []
    owner: list[int] = []
    for index, token in enumerate(tokens):
        word = token.folded
        if word == "." and index and tokens[index - 1].folded in {"tp", "tx"}:
            continue  # "TP. Hà Tiên"
        expansion = ABBREVIATIONS.get(word)
        if expansion is None and "&" in word:
            expansion = word.replace("&", " va ")
        parts = expansion.split() if expansion else [word]
        out.extend(parts)
        owner.extend([index] * len(parts))
    return out, owner


def canonical_key(text: str) -> tuple[str, ...]:
    return tuple(canonical_tokens(tokenize(text))[0])


class _Trie:
    def __init__(self) -> None:
        self.root: dict = {}

    def add(self, key: Sequence[str], value: str) -> None:
        node = self.root
        for part in key:
            node = node.setdefault(part, {})
        node.setdefault(None, set()).add(value)

    def longest(
        self, seq: Sequence[str], start: int, prefix: Sequence[str] = ()
    ) -> tuple[int, set]:
        """Longest key matching prefix + seq[start:]; returns (tokens of seq used, codes)."""
        node = self.root
        for part in prefix:
            child = node.get(part)
            if child is None:
                return 0, set()
            node = child
        best: tuple[int, set] = (0, set())
        index = start
        while index < len(seq):
            child = node.get(seq[index])
            if child is None:
                break
            node = child
            index += 1
            if None in node:
                best = (index - start, node[None])
        return best


# Phrases that address every member, or every member of one kind (folded text).
_ALL_MEMBERS = re.compile(
    r"""
    (?:ban\ chi\ dao\ (?:389\ )?)?
    (?:
        cac\ (?:so|bo)\s*,?\s*(?:ban\s*,\s*)?(?:nganh|co\ quan)
            (?:\s*(?:,|va)\s*(?:nganh|co\ quan|doan\ the|dia\ phuong|don\ vi
              |luc\ luong)(?:\ (?:trung\ uong|tinh))?)*
      | (?:cac\ )?thanh\ vien\ (?:ban\ chi\ dao|bcd)(?:\ 389)?
      | cac\ (?:co\ quan\s*,\s*)?(?:don\ vi|nganh|co\ quan)\ thanh\ vien
      | cac\ bo\s*,\s*nganh\ trung\ uong\s*(?:,|va)\s*(?:uy\ ban\ nhan\ dan
      |ubnd)?\s*cac\ tinh(?:\s*,\s*thanh\ pho)?
    )
    (?!\s*(?:co\ )?lien\ quan)(?!\s*:)
    """,
    re.VERBOSE,
)
_PEOPLES_COMMITTEE = r"(?:uy\ ban\ nhan\ dan|ubnd|ban\ chi\ dao\ (?:389\ )?)"
# "local" is the level below the committee: districts in a province, provinces nationally.
_KIND_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "province",
        re.compile(
            rf"""(?:{_PEOPLES_COMMITTEE}\s*)?cac\ tinh\s*,\s*thanh\ pho
                (?:\ truc\ thuoc\ trung\ uong)?
              | {_PEOPLES_COMMITTEE}\ cac\ tinh""",
            re.VERBOSE,
        ),
    ),
    (
        "district",
        re.compile(
            rf"""(?:{_PEOPLES_COMMITTEE}\s*)?cac\ (?:huyen|quan)
                (?:\s*,\s*(?:thi\ xa|thanh\ pho|huyen|quan))*""",
            re.VERBOSE,
        ),
    ),
    (
        "commune",
        re.compile(
            rf"""{_PEOPLES_COMMITTEE}\s*cac\ (?:xa|phuong)
                (?:\s*,\s*(?:xa|phuong|thi\ tran|dac\ khu))*""",
            re.VERBOSE,
        ),
    ),
    (
        "local",
        re.compile(
            rf"""{_PEOPLES_COMMITTEE}\ cac\ dia\ phuong
              | (?<!nganh\ )(?<!nganh,\ )(?<!va\ )cac\ dia\ phuong
                (?!\s*(?:lien\ quan|co\ lien\ quan))""",
            re.VERBOSE,
        ),
    ),
)


@dataclass
class AgencyDirectory:
    """The members of one committee, resolvable from any usual spelling of their names."""

    records: Sequence[AgencyRecord]
    place_name: str = ""
    standing_code: str = ""  # the committee's standing agency (Cơ quan Thường trực)
    _forms: dict[tuple[str, ...], set[str]] = field(default_factory=dict, init=False, repr=False)
    _trie: _Trie = field(default_factory=_Trie, init=False, repr=False)

    def __post_init__(self) -> None:
        self.records = list(self.records)
        places = {canonical_key(self.place_name)} if self.place_name else set()
        for record in self.records:
            if record.kind == "province":
                places.add(_place_of(record.name))
        places.discard(())
        for record in self.records:
            # A name an administrator typed is honoured even when short ("Công an" for the
            # Ministry of Public Security); a variant we derive must not be vague.
            typed = {
                canonical_key(n) for n in (record.name, record.short_name, *record.aliases) if n
            }
            for form in _variants(record, places):
                if form and (form in typed or " ".join(form) not in _VAGUE_FORMS):
                    self._forms.setdefault(form, set()).add(record.code)
        standing = next((r for r in self.records if r.code == self.standing_code), None)
        if standing is not None:
            for form in _standing_forms(office=standing.kind == "office"):
                self._forms.setdefault(form, set()).add(self.standing_code)
        for form, codes in self._forms.items():
            for code in codes:
                self._trie.add(form, code)

    def name_of(self, code: str) -> str:
        """The name a person knows the agency by (its short name if it has one)."""
        record = next((r for r in self.records if r.code == code), None)
        return (record.short_name or record.name) if record else code

    @property
    def codes(self) -> list[str]:
        return [record.code for record in self.records]

    def codes_of_kind(self, kind: str) -> list[str]:
        return [record.code for record in self.records if record.kind == kind]

    def resolve(self, mention: str) -> str | None:
        """The code of the one agency this name means, or None (unknown or ambiguous)."""
        key = canonical_key(mention)
        codes = self._forms.get(key)
        if codes is None and key and key[0] == "cac":
            codes = self._forms.get(key[1:])
        if codes and len(codes) == 1:
            return next(iter(codes))
        return None

    def find_mentions(self, text: str) -> list[Mention]:
        """Agency mentions in reading order: directory matches, groups, unknown agency names."""
        return _MentionScan(self, unicodedata.normalize("NFC", text)).run()


class _MentionScan:
    """One pass over one text: canonical tokens, which of them are taken, what was found."""

    def __init__(self, directory: AgencyDirectory, text: str) -> None:
        self.directory = directory
        self.text = text
        self.tokens = tokenize(text)
        self.canon, self.owner = canonical_tokens(self.tokens)
        self.taken = [False] * len(self.canon)
        self.mentions: list[Mention] = []

    def run(self) -> list[Mention]:
        self._groups()
        self._names()
        self._unknown_names()
        self._working_groups()
        self.mentions.sort(key=lambda m: (m.start, -m.end))
        return _drop_nested(self.mentions)

    def _add(self, first: int, last: int, codes: Iterable[str], group: str = "") -> None:
        start, end = self.tokens[self.owner[first]].start, self.tokens[self.owner[last]].end
        self.mentions.append(Mention(start, end, self.text[start:end], tuple(sorted(codes)), group))
        for index in range(first, last + 1):
            self.taken[index] = True

    def _starts_token(self, index: int) -> bool:
        return index == 0 or self.owner[index] != self.owner[index - 1]

    def _match(self, index: int, prefix: Sequence[str] = ()) -> tuple[int, set]:
        """The longest unambiguous directory name at index (after a virtual prefix)."""
        length, codes = self.directory._trie.longest(self.canon, index, prefix)
        if length and len(codes) == 1 and _ends_on_token(self.owner, index + length - 1):
            return length, codes
        return 0, set()

    def _names(self) -> None:
        canon, index = self.canon, 0
        while index < len(canon):
            if self.taken[index] or not self._starts_token(index):
                index += 1
                continue
            length, codes = self._match(index)
            if length:
                self._add(index, index + length - 1, codes)
                index = self._chain(index, index + length)
                continue
            head = _bare_shared_head(canon, index)
            if head:
                after = index + len(head)
                if after < len(canon) and canon[after] == ":":
                    after += 1
                prefix = tuple(part for part in head if part != "cac")
                chained = self._chain(index, after, head=prefix, bare=True)
                if chained != after:
                    index = chained
                    continue
            index += 1

    def _chain(
        self, head_at: int, after: int, *, head: tuple[str, ...] | None = None, bare: bool = False
    ) -> int:
        """Follow a list sharing the head word of the name at head_at ("Các Bộ Tư pháp,
        Công Thương, Tài chính"); return the index after the list."""
        canon = self.canon
        if head is None:
            head = next(
                (h for h in _SHARED_HEADS if tuple(canon[head_at : head_at + len(h)]) == h), None
            )
            if head is None:
                return after
        index, first = after, bare
        while True:
            probe = index
            if not first:
                if probe < len(canon) and canon[probe] in {",", ";"}:
                    probe += 1
                if probe < len(canon) and canon[probe] == "va":
                    probe += 1
                if probe == index:
                    return index
            if probe < len(canon) and canon[probe] == "cac":
                return index
            length, codes = self._match(probe, head)
            if not length:
                length, codes = self._match(probe)
            if not length or any(self.taken[probe : probe + length]):
                return index
            # The first name of a bare-headed list carries the head: "UBND các huyện Cao Lộc".
            self._add(head_at if first else probe, probe + length - 1, codes)
            first = False
            index = probe + length

    def _groups(self) -> None:
        """Addresses to every member, or to every member of one kind."""
        text, tokens, owner = self.text, self.tokens, self.owner
        folded = fold_keep_offsets(text)
        spans: list[tuple[int, int, str]] = [
            (m.start(), m.end(), "all") for m in _ALL_MEMBERS.finditer(folded)
        ]
        for kind, pattern in _KIND_GROUPS:
            spans.extend((m.start(), m.end(), kind) for m in pattern.finditer(folded))
        spans.sort(key=lambda span: (span[0], span[0] - span[1]))
        last_end = -1
        for start, end, group in spans:
            if start < last_end or not _word_boundary(folded, start, end):
                continue
            first = next((i for i, o in enumerate(owner) if tokens[o].start >= start), None)
            last = max((i for i, o in enumerate(owner) if tokens[o].end <= end), default=None)
            if first is None or last is None or last < first:
                continue
            if group != "all" and re.match(r"\s+[A-ZĐÀ-Ỹ]", text[end : end + 3]):
                continue  # a list of named districts follows: resolved one by one
            if group == "local":
                group = "district" if self.directory.codes_of_kind("district") else "province"
            codes = self.directory.codes_of_kind(group) if group != "all" else []
            if group != "all" and not codes:
                continue
            self._add(first, last, codes, group)
            last_end = end

    def _unknown_names(self) -> None:
        """Names that look like agencies ("Đài Truyền hình huyện") but are not members."""
        canon, tokens, owner, taken = self.canon, self.tokens, self.owner, self.taken
        index = 0
        while index < len(canon):
            if taken[index] or not self._starts_token(index):
                index += 1
                continue
            head = next(
                (h for h in _AGENCY_HEADS if tuple(canon[index : index + len(h)]) == h), None
            )
            end = index + len(head) if head else index
            # A capitalised head, then a capitalised name or a place word.
            if (
                head is None
                or not tokens[owner[index]].capitalized
                or end >= len(canon)
                or taken[end]
                or not tokens[owner[end]].is_word
                or not (tokens[owner[end]].capitalized or canon[end] in _PLACE_WORDS)
            ):
                index += 1
                continue
            last = self._name_end(end)
            if last >= end:
                start, stop = tokens[owner[index]].start, tokens[owner[last]].end
                self.mentions.append(Mention(start, stop, self.text[start:stop], ()))
            index = max(last + 1, index + 1)

    def _working_groups(self) -> None:
        """ "Tổ công tác liên ngành", "Đoàn kiểm tra": bodies of the committee, not members."""
        folded = fold_keep_offsets(self.text)
        for match in _WORKING_GROUP.finditer(folded):
            start, end = match.span()
            if self.text[start].isupper() and not any(
                m.start < end and start < m.end for m in self.mentions
            ):
                self.mentions.append(Mention(start, end, self.text[start:end], ()))

    def _name_end(self, index: int) -> int:
        """The last token of a name whose words after the head start at index."""
        canon, tokens, owner = self.canon, self.tokens, self.owner
        last = index - 1
        previous_capital, after_place, lower_run = True, False, 0
        while index < len(canon) and not self.taken[index]:
            token, word = tokens[owner[index]], canon[index]
            if not token.is_word:
                break
            following = canon[index + 1] if index + 1 < len(canon) else ""
            if token.capitalized or token.text.isdigit():
                lower_run, previous_capital = 0, True
            elif word in _PLACE_WORDS:
                after_place = True  # "… huyện Bến Cầu": only the place's name may follow
                previous_capital = False
            elif (
                after_place
                or not previous_capital
                or lower_run >= 3
                or word in _STOP_WORDS
                or f"{word} {following}" in _VERB_BIGRAMS
            ):
                break
            else:
                lower_run += 1
            last = index
            index += 1
        # Trailing lower-case syllables after the name are verbs, not the name.
        while last >= 0 and canon[last] in _STOP_WORDS:
            last -= 1
        return last


# Lower-case words that end a name ("Trung tâm Y tế huyện chủ trì …").
_STOP_WORDS = {
    "co",
    "de",
    "ve",
    "trong",
    "theo",
    "tai",
    "voi",
    "cac",
    "can",
    "cua",
    "cho",
    "la",
    "da",
    "se",
    "duoc",
    "nham",
    "khi",
    "thi",
    "va",
    "nhung",
    "dang",
    "vua",
    "phai",
    "cung",
    "tu",
    "den",
}
_VERB_BIGRAMS = {
    "chu tri",
    "phoi hop",
    "thuc hien",
    "to chuc",
    "tang cuong",
    "tiep tuc",
    "xay dung",
    "trien khai",
    "kiem tra",
    "bao cao",
    "nghien cuu",
    "chi dao",
    "huong dan",
    "tham muu",
    "ra soat",
    "day manh",
    "khan truong",
    "dong thoi",
    "ngan chan",
    "xu ly",
    "theo doi",
    "don doc",
    "tuyen truyen",
    "kiem soat",
    "dau tranh",
    "lam tot",
    "quan ly",
    "bo tri",
    "dam bao",
    "bao dam",
    "chu dong",
    "tap trung",
    "hoan thanh",
    "de xuat",
    "tong hop",
}


def _standing_forms(*, office: bool) -> list[tuple[str, ...]]:
    """Names of the standing agency: "Cơ quan Thường trực", "… Ban Chỉ đạo 389 tỉnh"
    ("Văn phòng Thường trực" only when the standing agency is itself an office)."""
    forms = []
    for body in (("co", "quan"), ("van", "phong")) if office else (("co", "quan"),):
        for committee in ((), ("ban", "chi", "dao"), ("ban", "chi", "dao", "389")):
            for level in ((), ("tinh",), ("thanh", "pho"), ("quoc", "gia")):
                if level and not committee:
                    continue
                forms.append((*body, "thuong", "truc", *committee, *level))
    return forms


def _ends_on_token(owner: Sequence[int], last: int) -> bool:
    return last + 1 >= len(owner) or owner[last + 1] != owner[last]


def _bare_shared_head(canon: Sequence[str], index: int) -> tuple[str, ...] | None:
    """A list head with no name of its own: "các Sở:", "Các Bộ: Công an, …",
    "UBND các huyện Cao Lộc, Văn Lãng"."""
    after_cac = index > 0 and canon[index - 1] == "cac"
    for head in _SHARED_HEADS:
        if tuple(canon[index : index + len(head)]) == head and (after_cac or "cac" in head):
            return head
    return None


def _word_boundary(folded: str, start: int, end: int) -> bool:
    before = folded[start - 1] if start else " "
    after = folded[end] if end < len(folded) else " "
    return not before.isalnum() and not after.isalnum()


def _drop_nested(mentions: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in mentions:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _place_of(province_name: str) -> tuple[str, ...]:
    """ "Ủy ban nhân dân tỉnh Kiên Giang" -> ("kien", "giang")."""
    key = canonical_key(province_name)
    for marker in (("tinh",), ("thanh", "pho")):
        for index in range(len(key) - len(marker), -1, -1):
            if tuple(key[index : index + len(marker)]) == marker:
                return tuple(key[index + len(marker) :])
    return ()


def _variants(record: AgencyRecord, places: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Every spelling we accept for a record: with and without the province, without
    "Bộ Chỉ huy", and the capitalised place name guessed from the full name."""
    forms: set[tuple[str, ...]] = set()
    sources = [record.name, record.short_name, *record.aliases]
    own_places = set(places)
    guessed = _capitalised_place(record.name)
    if guessed and record.kind not in {"district", "commune"}:
        own_places.add(guessed)
    for source in sources:
        if not source or not source.strip():
            continue
        key = canonical_key(source)
        if not key:
            continue
        forms.add(key)
        if key[0] == "cac":
            forms.add(key[1:])
        if record.kind in {"district", "commune"}:
            continue
        for place in own_places:
            if len(key) > len(place) and tuple(key[-len(place) :]) == place:
                without_place = key[: -len(place)]
                if len(without_place) < 2:
                    continue  # "Báo Kiên Giang" without its place is just "báo"
                forms.add(without_place)  # "Công an tỉnh"
                if record.kind == "province":
                    continue
                if without_place[-1:] == ("tinh",):
                    stripped = without_place[:-1]
                elif without_place[-2:] == ("thanh", "pho"):
                    stripped = without_place[:-2]
                else:
                    stripped = without_place
                if len(stripped) >= 2:
                    forms.add(stripped)  # "Sở Công Thương"
                    forms.add((*stripped, *place))  # "Công an Kiên Giang"
    for form in list(forms):
        if form[:3] == ("bo", "chi", "huy") and len(form) > 4:
            forms.add(form[3:])  # "Bộ đội Biên phòng tỉnh"
        if form[:4] == ("uy", "ban", "nhan", "dan") and record.kind in {"district", "commune"}:
            forms.add(("ban", "chi", "dao", "389", *form[4:]))
    return forms


def _capitalised_place(name: str) -> tuple[str, ...]:
    """The trailing place of a full name: "Công an tỉnh Kiên Giang" -> ("kien", "giang")."""
    match = re.search(
        r"\b(?:tỉnh|thành phố|tp\.?)\s+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s*){1,4})$",
        name.strip(),
        re.IGNORECASE,
    )
    if not match:
        return ()
    words = match.group(1).split()
    if not all(word[:1].isupper() for word in words):
        return ()
    return tuple(fold(" ".join(words)).split())

"""Structure of a directive body: Roman sections, "Điều" articles, numbered items,
lettered sub-items, bullets and plain paragraphs, as a tree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from breakdown.text import fold, is_upper_line

ROMAN = re.compile(r"^(?P<label>[IVX]{1,5})\s*[.)/\-–:]\s*(?P<rest>.*)$")
ARTICLE = re.compile(r"^Điều\s+(?P<label>\d{1,2})\s*[.:]?\s*(?P<rest>.*)$", re.IGNORECASE)
NUMBERED = re.compile(
    r"""^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})
        (?:\s*[.)](?!\d)|\s*[/-](?=\s)|(?<=\d\.\d)\s|(?<=\d\.\d\d)\s)\s*(?P<rest>\S.*)$""",
    re.VERBOSE,
)
LETTERED = re.compile(r"^(?P<label>[a-zđ])\s*(?:[).]|/(?=\s))\s*(?P<rest>\S.*)$")
# "A. MỤC ĐÍCH, YÊU CẦU", "B. NỘI DUNG": parts above Roman sections (I, V, X are Roman).
PART = re.compile(r"^(?P<label>[A-HJ-UWYZ])\s*[.)/-]\s*(?P<rest>\S.*)$")
BULLET = re.compile(r"^(?P<label>[-–+•*])\s*(?P<rest>\S.*)$")
_VALID_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")

# Where the body ends: the list of recipients, a signature, the closing sentence.
_END_OF_BODY = re.compile(
    r"""^(?:noi\ nhan\b|(?:tm|kt|tl|tuq|q)\.\s|tren\ day\ la\b|nhu\ tren\b)""",
    re.VERBOSE,
)
_CLOSING_SENTENCE = re.compile(
    r"biet,?\s+(?:va\s+)?(?:thuc\s+hien|trien\s+khai)|biet\s+va\s+to\s+chuc", re.VERBOSE
)

_ENDS_BODY = re.compile(r"\./\.?\s*$")

LEVELS = {"part": 0, "section": 1, "article": 1, "sub": 6, "bullet": 7, "plus": 8}


@dataclass
class Node:
    kind: str  # root, section, article, item, sub, bullet, paragraph
    label: str
    title: str
    level: int
    paragraphs: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        """The node's own words: its first line and continuation paragraphs."""
        return " ".join(part for part in [self.title, *self.paragraphs] if part).strip()

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self) -> Iterator[Node]:
        for child in self.children:
            yield child
            yield from child.walk()

    @property
    def structured_children(self) -> list[Node]:
        return [c for c in self.children if c.kind in {"section", "article", "item", "sub"}]


def _classify(line: str) -> tuple[str, str, str, int] | None:
    """(kind, label, rest, level) for a line that opens a structural unit."""
    match = PART.match(line)
    if match and is_upper_line(match["rest"]):
        return "section", match["label"], match["rest"], LEVELS["part"]
    match = ROMAN.match(line)
    if match and _VALID_ROMAN.match(match["label"]) and match["rest"][:1].isupper():
        return "section", match["label"], match["rest"], LEVELS["section"]
    match = ARTICLE.match(line)
    if match:
        return "article", f"Điều {match['label']}", match["rest"], LEVELS["article"]
    match = NUMBERED.match(line)
    if match and not re.match(r"^\d", match["rest"]):
        parts = match["label"].split(".")
        return "item", parts[-1], match["rest"], 1 + len(parts)
    match = LETTERED.match(line)
    if match:
        return "sub", match["label"], match["rest"], LEVELS["sub"]
    match = BULLET.match(line)
    if match:
        kind = "plus" if match["label"] == "+" else "bullet"
        return "bullet", match["label"], match["rest"], LEVELS[kind]
    return None


def _is_noise(line: str) -> bool:
    """Stamp remnants, signature titles and names: short lines in capitals, no sentence."""
    stripped = line.strip()
    if not stripped:
        return True
    if is_upper_line(stripped) and len(stripped) < 40 and not stripped.endswith((".", ":", ";")):
        return True
    words = stripped.split()
    if (
        2 <= len(words) <= 5
        and all(word[:1].isupper() for word in words)
        and not stripped.endswith((".", ":", ";"))
        and words[0] not in _AGENCY_FIRST_WORDS
    ):
        return True  # a signer's name
    return bool(re.fullmatch(r"[\W_]+", stripped)) or "./." in stripped and len(stripped) < 12


_AGENCY_FIRST_WORDS = {
    "Sở",
    "Cục",
    "Bộ",
    "Công",
    "Ủy",
    "Uỷ",
    "UBND",
    "Ban",
    "Văn",
    "Chi",
    "Đài",
    "Báo",
    "Ngân",
    "Kho",
    "Thanh",
    "Trung",
    "Viện",
    "Tòa",
    "Hội",
    "Đội",
    "Phòng",
    "Tổng",
    "Các",
    "Cơ",
    "Lực",
}


def parse_structure(lines: list[str]) -> Node:
    """Build the tree of the body lines (already normalised, one paragraph per line).

    The body ends at the closing sentence, the signature or "Nơi nhận"; a document attached
    to a Quyết định ("Kế hoạch … (Ban hành kèm theo Quyết định số …)") is read on after it.
    """
    root = Node("root", "", "", 0)
    stack = [root]
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        folded = fold(line)
        classified = _classify(line)
        ended = _END_OF_BODY.match(folded) or (
            classified is None
            and len(stack) > 1
            and (_CLOSING_SENTENCE.search(folded) or _ENDS_BODY.search(line))
        )
        if ended:
            attached = next(
                (i for i in range(index, len(lines)) if _ATTACHED.match(fold(lines[i]))), None
            )
            if attached is None:
                break
            index, stack = attached + 1, [root]
            continue
        if classified is None:
            if not _is_noise(line):
                stack[-1].paragraphs.append(line)
            continue
        kind, label, rest, level = classified
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        node = Node(kind, label, rest.strip(), level, parent=stack[-1])
        stack[-1].children.append(node)
        stack.append(node)
    return root


_ATTACHED = re.compile(
    r"^\(?\s*(?:ban\ hanh\ )?kem\ theo\ (?:quyet\ dinh|cong\ van|ke\ hoach)", re.VERBOSE
)


def has_structure(root: Node) -> bool:
    return any(child.kind in {"section", "article", "item", "sub"} for child in root.walk())


def ref_of(node: Node) -> str:
    labels = [
        n.label
        for n in [node, *node.ancestors()]
        if n.kind in {"section", "article", "item", "sub"}
    ]
    return ".".join(reversed(labels))

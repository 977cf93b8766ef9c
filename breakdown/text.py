"""Text normalisation: the text as it really arrives (NFD, PDF line wraps, stray spaces)."""

from __future__ import annotations

import re
import unicodedata

# Characters that carry no meaning for parsing but break regexes.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff\u2060"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")

# A line that starts a new structural unit must never be glued to the previous one.
STRUCTURE_START = re.compile(
    r"""^(?:
        [IVXLC]{1,6}\s*[.)/-]\s          # Roman section: "II. ", "III- "
      | \d{1,2}(?:\.\d{1,2}){0,3}\s*[.)](?!\d)\s?\S   # numbered item: "1. ", "2.3. ", "4) "
      | \d{1,2}\s*[/-]\s                # "1/ ", "2- "
      | \d{1,2}\.\d{1,2}\s              # "1.1 Tên"
      | [a-zđ]\s*[).]\s                 # lettered sub-item: "a) ", "b. "
      | [a-zđ]\s*/\s                    # "a/ "
      | [-–+•*]\s*\S                    # bullet
      | Điều\s+\d+                      # article
      | Nơi\s+nhận
      | \(\s*(?:Ban\s+hành\s+)?kèm\s+theo        # "(Ban hành kèm theo Quyết định số …)"
      | (?:TM|KT|TL|TUQ|Q)\.\s          # signature authority
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.;:!?…\"”)]\s*$")


def fold(text: str) -> str:
    """Accent- and case-insensitive key: "Ủy ban" -> "uy ban", "Đ" -> "d"."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def fold_char(ch: str) -> str:
    """Fold one NFC character to exactly one character, so offsets are preserved."""
    folded = fold(ch)
    return folded[:1] if folded else ch


def fold_keep_offsets(text: str) -> str:
    """Fold an NFC text character by character: same length as the input."""
    return "".join(fold_char(ch) for ch in text)


def is_upper_line(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _should_join(current: str, following: str, wrap_width: int) -> bool:
    """Whether a line break between two non-blank lines is a wrap inside a sentence."""
    if not current or not following:
        return False
    if STRUCTURE_START.match(following):
        return False
    if following[0].islower() and not is_upper_line(current):
        return True  # no sentence starts in lower case: a wrapped line
    if _TERMINAL.search(current):
        return False
    if is_upper_line(current) and len(current) < 80:
        # Headings in capitals ("II. NHIỆM VỤ") stay on their own line; a heading wrapped
        # over two capital lines is still joined.
        return (
            bool(STRUCTURE_START.match(current))
            and is_upper_line(following)
            and not STRUCTURE_START.match(following)
        )
    if is_upper_line(following) and len(following) < 60:
        return False
    first = following[0]
    if first.islower() or first.isdigit() or first in "(“\"'":
        return True
    # An upper-case start after a line as long as the text's wrap width is a wrapped proper
    # noun ("phối hợp với\nCông an tỉnh"); otherwise it starts a new paragraph (a headline).
    return bool(wrap_width) and len(current) >= 0.7 * wrap_width


def normalize_text(text: str) -> str:
    """NFC, unified line ends and spaces, and sentences re-joined across stray line breaks.

    Paragraphs come out separated by a single newline; blank lines are dropped.
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    wrap_width = _wrap_width(lines)
    previous_blank = True
    for line in lines:
        if not line:
            previous_blank = True
            continue
        if paragraphs and not previous_blank and _should_join(paragraphs[-1], line, wrap_width):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        elif paragraphs and previous_blank and _blank_line_wrap(paragraphs[-1], line):
            # PDF text layers sometimes put an empty line inside a sentence.
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        previous_blank = False
    return "\n".join(paragraphs)


def _wrap_width(lines: list[str]) -> int:
    """The width a PDF or e-mail wrapped the text at, or 0 when lines are paragraphs."""
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 5:
        return 0
    width = lengths[int(len(lengths) * 0.9) - 1]
    return width if width <= 130 else 0


def _blank_line_wrap(current: str, following: str) -> bool:
    return (
        not _TERMINAL.search(current)
        and following[0].islower()
        and not STRUCTURE_START.match(following)
        and not is_upper_line(current)
    )

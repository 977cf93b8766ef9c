"""Is this directive already in the register?

Two questions, asked of the committee's own register when a directive is registered:

- `same_number_same_year`: the exact clash (same number and symbol — the symbol carries the
  issuer's code — in the same year, where numbers restart). This is refused; the database's
  unique constraint is the last word.
- `possible_duplicates`: what deserves a warning, not a refusal: the same number and symbol in
  another (or an unknown) year, and a near-identical text (the same words once accents,
  punctuation and spacing are folded away). The text comparison reads at most
  CANDIDATES directives' first SAMPLE_CHARS characters, so its cost is bounded whatever the
  register's size.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import QuerySet
from django.db.models.functions import Length, Substr

from agencies.models import Committee

from .models import Directive
from .numbers import InvalidDocumentNumber, parse_document_number
from .search import fold

SAMPLE_CHARS = 4000  # the start of a directive says what it is
CANDIDATES = 300  # the most recent texts of about the same length that are compared
SIMILAR = 0.9  # SequenceMatcher ratio over the folded samples' words
MIN_TEXT_CHARS = 200  # shorter texts (a title, a stub) say too little to compare
LENGTH_SLACK = 0.25  # candidates within ±25 % of the new text's length

_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass
class PossibleDuplicate:
    directive: Directive
    same_number: bool
    similarity: float | None  # of the texts, when they were compared and found alike
    url: str = ""  # where the page links to it (set by the view)

    @property
    def percent(self) -> int | None:
        return None if self.similarity is None else int(self.similarity * 100)


def comparable(text: str) -> str:
    """The text's words only: accents, case, punctuation and spacing folded away."""
    return _NOT_WORD.sub(" ", fold(text[: SAMPLE_CHARS * 2])).strip()[:SAMPLE_CHARS]


def _number(raw: str) -> tuple[int, str] | None:
    try:
        parsed = parse_document_number(raw)
    except InvalidDocumentNumber:
        return None
    return parsed.number, parsed.symbol


def _register(committee: Committee, exclude_pk: int | None) -> QuerySet:
    queryset = Directive.objects.filter(committee=committee)
    return queryset.exclude(pk=exclude_pk) if exclude_pk else queryset


def same_number_same_year(
    committee: Committee, raw_number: str, issued_on: dt.date | None, exclude_pk: int | None = None
) -> Directive | None:
    """The directive that already holds this number in this year, if any."""
    parsed = _number(raw_number) if raw_number else None
    if parsed is None or issued_on is None:
        return None
    number, symbol = parsed
    return (
        _register(committee, exclude_pk)
        .filter(number=number, symbol=symbol, year=issued_on.year)
        .first()
    )


def _similar_texts(
    committee: Committee, text: str, exclude_pk: int | None
) -> list[tuple[Directive, float]]:
    sample = comparable(text)
    words = sample.split()
    if len(text.strip()) < MIN_TEXT_CHARS or not sample:
        return []
    low, high = int(len(text) * (1 - LENGTH_SLACK)), int(len(text) * (1 + LENGTH_SLACK)) + 1
    candidates = (
        _register(committee, exclude_pk)
        .annotate(text_length=Length("text"), sample=Substr("text", 1, SAMPLE_CHARS * 2))
        .filter(text_length__gte=low, text_length__lte=high)
        .defer("text", "search_text")
        .order_by("-id")[:CANDIDATES]
    )
    found = []
    for candidate in candidates:
        other = comparable(candidate.sample)
        if other == sample:
            found.append((candidate, 1.0))
            continue
        # Compared word by word, not character by character: two unrelated directives share
        # nearly the same letters (the character bound lets them through, and the full
        # comparison of 4,000 characters takes about 0.6 s each), but not the same words
        # (about 0.6 similar by the word bound, and under 10 ms when compared in full).
        matcher = SequenceMatcher(None, words, other.split(), autojunk=False)
        # The cheap upper bounds first: most candidates stop here.
        if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
            continue
        ratio = matcher.ratio()
        if ratio >= SIMILAR:
            found.append((candidate, ratio))
    return found


def possible_duplicates(
    committee: Committee,
    *,
    number: str = "",
    issued_on: dt.date | None = None,
    text: str = "",
    exclude_pk: int | None = None,
) -> list[PossibleDuplicate]:
    """Directives of the committee this one may repeat, most likely first."""
    found: dict[int, PossibleDuplicate] = {}
    parsed = _number(number) if number else None
    if parsed is not None:
        same = _register(committee, exclude_pk).filter(number=parsed[0], symbol=parsed[1])
        for directive in same.defer("text", "search_text").order_by("-id")[:10]:
            found[directive.pk] = PossibleDuplicate(directive, True, None)
    for directive, ratio in _similar_texts(committee, text, exclude_pk):
        earlier = found.get(directive.pk)
        found[directive.pk] = PossibleDuplicate(
            earlier.directive if earlier else directive, bool(earlier), ratio
        )
    return sorted(
        found.values(), key=lambda d: (not d.same_number, -(d.similarity or 0), -d.directive.pk)
    )

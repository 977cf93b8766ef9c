"""Accent-insensitive search keys: "buon lau" finds "buôn lậu" on SQLite and PostgreSQL alike.

Both the stored column and the query are folded the same way in Python, so the database only
ever compares plain lower-case ASCII-like text.
"""

from __future__ import annotations

import re

from breakdown.text import fold as fold_accents

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """The breakdown engine's accent folding, spaces squeezed: "Buôn  LẬU" -> "buon lau"."""
    return _SPACES.sub(" ", fold_accents(text or "")).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a search box entry; every one must match."""
    return [word for word in fold(query).split(" ") if word]

"""Accent-insensitive search keys: "buon lau" finds "buôn lậu" on SQLite and PostgreSQL alike.

Both the stored column and the query are folded the same way in Python, so the database only
ever compares plain lower-case ASCII-like text.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Strip accents, fold đ/Đ to d, lower-case and squeeze spaces: "Buôn LẬU" -> "buon lau"."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.replace("đ", "d").replace("Đ", "D").lower()).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a search box entry; every one must match."""
    return [word for word in fold(query).split(" ") if word]

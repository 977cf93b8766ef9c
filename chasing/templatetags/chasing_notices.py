"""The notifications page's words for a day's notice, in the reader's language."""

from __future__ import annotations

from django import template

from chasing.reminders import Described, describe

register = template.Library()


@register.filter
def described(sections: list[dict]) -> list[Described]:
    """A day's notice: each group's heading, its items with their links, and the rest."""
    return describe(sections or [])

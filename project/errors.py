"""Errors an action raises for people: each carries a message in the user's language."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class ActionError(Exception):
    """An action was refused; `message` says why, for the person who tried it."""

    status_code = 400

    def __init__(self, message: str | StrPromise) -> None:
        super().__init__(str(message))
        self.message = message


class ActionForbidden(ActionError):
    status_code = 403


class ActionConflict(ActionError):
    """Someone else changed the object first (HTTP 409 from the API)."""

    status_code = 409

    def __init__(self, message: str | StrPromise | None = None) -> None:
        super().__init__(
            message or _("Someone else acted on this first. Reload the page to see what changed.")
        )


P = ParamSpec("P")
R = TypeVar("R")


def atomic_action(func: Callable[P, R]) -> Callable[P, R]:
    """Run an action in one transaction; turn a lost race (django-fsm's ConcurrentTransition)
    into ActionConflict, after the transaction has rolled back."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except ConcurrentTransition as exc:
            raise ActionConflict() from exc

    return wrapper

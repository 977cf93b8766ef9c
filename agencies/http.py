"""The request of a page that needs a signed-in person."""

from typing import Any

from django.http import HttpRequest

from agencies.models import User


class AuthenticatedRequest(HttpRequest):
    """What a view behind login_required (or LoginRequiredMixin) receives: its `user` is one of
    ours, never AnonymousUser. For the type checker only; the login requirement makes it true."""

    user: User


def signed_in(request: Any) -> User:
    """The person behind a request that only a signed-in person gets this far with (a page
    that found its object through visible_to, which shows nobody signed out anything; an API
    endpoint behind IsAuthenticated): one of ours, never AnonymousUser."""
    user = request.user
    assert isinstance(user, User)
    return user

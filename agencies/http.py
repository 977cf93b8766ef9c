"""The request of a page that needs a signed-in person."""

from django.http import HttpRequest

from agencies.models import User


class AuthenticatedRequest(HttpRequest):
    """What a view behind login_required (or LoginRequiredMixin) receives: its `user` is one of
    ours, never AnonymousUser. For the type checker only; the login requirement makes it true."""

    user: User

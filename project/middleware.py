"""Vietnamese first: the language is the one a person chose, else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many officers'
browsers say English; the product speaks Vietnamese until someone switches (the choice is kept
in the language cookie by Django's set_language view).
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()

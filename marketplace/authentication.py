"""API authentication (kept apart from marketplace.api: DRF imports it while
rest_framework.views is still loading)."""

from django.utils import translation
from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, answering in the caller's language.

    A token caller is only known once DRF authenticates it, after the
    middleware that applies a session user's language preference has run.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            language = getattr(result[0], "language", None)
            if language:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
        return result

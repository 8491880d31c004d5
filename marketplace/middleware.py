"""Requests refused before they reach a view.

PostgreSQL refuses the NUL character in text, so a NUL byte that reaches a
query raises instead of matching nothing (a 500). No address, query, form
field or header of this site ever holds one: any request carrying one is
refused here with a 400, for every view at once (JSON bodies are checked by
``marketplace.parsers.JSONParser``; form and serializer fields refuse NUL
themselves).
"""

from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse

from .responses import bad_request, nul_field_errors

NUL = "\x00"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _fields_with_nul(encoded: str) -> list[str]:
    """The names of the fields of an urlencoded string holding a NUL byte
    (``non_field_errors`` for a name holding one itself)."""
    if NUL not in encoded and "%00" not in encoded:
        return []
    pairs = parse_qsl(encoded, keep_blank_values=True, errors="replace")
    return [
        "non_field_errors" if NUL in name else name
        for name, value in pairs
        if NUL in name + value
    ]


def find_nul(request: HttpRequest) -> list[str] | None:
    """Where ``request`` holds a NUL byte (raw or percent-encoded): None when
    nowhere, the fields at fault for the query string or an urlencoded body,
    ``[]`` for the path or a header."""
    if NUL in request.path_info or any(
        NUL in value
        for key, value in request.META.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    ):
        return []
    fields = _fields_with_nul(request.META.get("QUERY_STRING", ""))
    if request.content_type == FORM_CONTENT_TYPE and request.method in BODY_METHODS:
        # Django reads the body for request.POST anyway.
        fields += _fields_with_nul(request.body.decode("utf-8", errors="replace"))
    return fields or None


class RefuseNulBytesMiddleware:
    """Answer 400 to a request with a NUL byte anywhere it could reach the
    database (field errors under /api/ for the query and form fields, as the
    fields themselves would); drop a cookie holding one (a quoted cookie
    value may carry an escaped ``\\000``), so the session is looked up with a
    clean key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [n for n, v in request.COOKIES.items() if NUL in n + v]:
            del request.COOKIES[name]
        fields = find_nul(request)
        if fields is None:
            return self.get_response(request)
        if fields:
            return nul_field_errors(request, fields)
        return bad_request(request)

"""The answers of the error handlers (``handler400/404/500`` in urls.py) and
of the middleware: JSON ``{"detail": ...}`` under /api/, a page elsewhere.

None of them touches the database, the session or the user: they must work
while the database is down. Pages render a standalone template (no
context processors) in the language LocaleMiddleware chose, or the
browser's when it has not run yet.
"""

import sys

from django.core.validators import ProhibitNullCharactersValidator
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import defaults

API_PREFIX = "/api/"
# Seconds a client is told to wait before trying again during a database
# outage (a PostgreSQL restart or failover takes about ten).
RETRY_AFTER_SECONDS = 30
# Exceptions that mean the database cannot answer now (down, restarting,
# connection lost), not that the code is wrong.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _language(request: HttpRequest) -> str:
    return getattr(
        request, "LANGUAGE_CODE", None
    ) or translation.get_language_from_request(request)


def _page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    with translation.override(_language(request)):
        content = loader.get_template(template).render({})
    return HttpResponse(content, status=status)


def _json(request: HttpRequest, message, status: int) -> JsonResponse:
    with translation.override(_language(request)):
        return JsonResponse({"detail": str(message)}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400: a request this site cannot read (``handler400``, NUL bytes)."""
    if is_api(request):
        return _json(
            request,
            _(
                "This request cannot be read: it holds characters or data "
                "this site does not accept."
            ),
            400,
        )
    return _page(request, "400.html", 400)


def nul_field_errors(request: HttpRequest, fields: list[str]) -> HttpResponse:
    """400 for query or form fields holding a NUL byte: under /api/ the field
    errors a serializer or filter field gives (Django's own message)."""
    if not is_api(request):
        return _page(request, "400.html", 400)
    with translation.override(_language(request)):
        message = str(ProhibitNullCharactersValidator.message)
    return JsonResponse(
        {field: [message] for field in dict.fromkeys(fields)}, status=400
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404: JSON under /api/ (an address no route matches), Django's page
    elsewhere."""
    if is_api(request):
        return _json(request, _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the database cannot answer now."""
    if is_api(request):
        response = _json(
            request,
            _("The service is briefly unavailable. Try again in a moment."),
            503,
        )
    else:
        response = _page(request, "503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while it handles the exception, which
    decides the answer: 503 when the database is unavailable, otherwise
    500 (JSON under /api/, the standalone page elsewhere)."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if is_api(request):
        return _json(request, _("A server error occurred. It has been logged."), 500)
    return defaults.server_error(request)

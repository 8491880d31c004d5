"""Cross-cutting API parts: pagination and the error shapes of api.md."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.errors import Conflict, DomainError, PaymentDeclined

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def _validation_payload(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    """Map domain errors to api.md's status codes: 400 with field errors, 402
    for a declined payment, 409 with the current state for a transition not
    allowed now."""
    if isinstance(exc, PaymentDeclined):
        return Response(
            {"detail": str(exc), **exc.payload}, status=status.HTTP_402_PAYMENT_REQUIRED
        )
    if isinstance(exc, Conflict):
        body = {"detail": str(exc)}
        if exc.state is not None:
            body["state"] = exc.state
        body.update(exc.payload)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TransitionNotAllowed | ConcurrentTransition):
        instance = getattr(exc, "object", None)
        body = {"detail": str(Conflict())}
        if instance is not None and hasattr(instance, "state"):
            instance.refresh_from_db(fields=["state"])
            body["state"] = instance.state
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        return Response(exc.as_field_errors(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_payload(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)

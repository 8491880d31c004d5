"""One id per request, on every log line it causes, in the web process and
in the Celery tasks it queues.

:class:`RequestIdMiddleware` takes the proxy's ``X-Request-ID`` when it is
well formed (letters, digits and ``._:-``, at most 128 characters; anything
else could forge log lines), otherwise makes one (32 hex digits), keeps it
in a context variable for the request and sends it back in the response's
``X-Request-ID``. Celery's ``before_task_publish`` puts it in the headers of
each task published meanwhile; ``task_prerun`` restores it in the worker and
``task_postrun`` forgets it. :class:`RequestIdFilter` adds it to every log
record as ``request_id`` (``-`` outside a request or task).
"""

import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest
from django.utils.log import log_response

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "request_id"
NONE = "-"
WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current() -> str | None:
    return request_id.get()


def accepted_or_new(value: str | None) -> str:
    """``value`` when it is a well-formed id, otherwise a new one."""
    if value and WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        value = accepted_or_new(request.META.get(META_KEY))
        request.request_id = value
        token = request_id.set(value)
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # What Django's handler logs once the middleware has
                # returned, logged here while the id is still set.
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
        finally:
            request_id.reset(token)
        response[HEADER] = value
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` when there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get() or NONE
        return True


@before_task_publish.connect
def _publish_with_request_id(headers=None, **kwargs) -> None:
    value = request_id.get()
    if value and headers is not None:
        headers.setdefault(TASK_HEADER, value)


def _task_header(task) -> str | None:
    """The request id a task message carries (protocol 2 keeps custom
    headers as attributes of ``task.request``; older ones under ``headers``)."""
    context = getattr(task, "request", None)
    if context is None:
        return None
    value = getattr(context, TASK_HEADER, None)
    if not value:
        value = (getattr(context, "headers", None) or {}).get(TASK_HEADER)
    return value if value and WELL_FORMED.fullmatch(str(value)) else None


_task_tokens: dict[str, object] = {}


@task_prerun.connect
def _restore_request_id(task_id=None, task=None, **kwargs) -> None:
    value = _task_header(task)
    if value and task_id:
        _task_tokens[task_id] = request_id.set(value)


@task_postrun.connect
def _forget_request_id(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:  # set in another context: just clear it
            request_id.set(None)

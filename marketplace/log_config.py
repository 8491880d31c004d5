"""The LOGGING setting, built from the environment (settings.py calls it).

Everything at ``LOG_LEVEL`` and above (WARNING by default: Django's request
errors, the tracebacks of server errors, and our own loggers' warnings and
errors) goes to the console and, when ``LOG_FILE`` is set, to that file:
a daemonised gunicorn drops the console, the file stays. The file rotates
by size, safely shared by every web, worker and beat process writing it
(concurrent-log-handler locks it while writing and rotating, with a
``.__<name>.lock`` file beside it). Its folder is created if need be; a
LOG_FILE that cannot be written stops the start, as a missing SECRET_KEY does.

``LOG_FORMAT=json`` writes one JSON object per line (console and file):
``timestamp`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
``request_id`` (marketplace.request_id: the same in the web process and in
the tasks a request queued; ``-`` outside both), ``process``, and
``exception`` (the traceback) when there is one. ``plain`` (the default)
keeps ``time level pid logger: message``. Errors also go to Sentry when
``SENTRY_DSN`` is set (marketplace.sentry).
"""

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The file rotates at 10 MB and keeps 5 old files (errors.log.1 ... .5).
LOG_FILE_MAX_BYTES = 10 * 1024 * 1024
LOG_FILE_BACKUPS = 5


def _writable_folder(log_file: str) -> None:
    """Create the folder of ``log_file``; refuse to start when it cannot be
    written (every error would otherwise be lost, each with a complaint on
    the console nobody reads)."""
    folder = Path(log_file).expanduser().resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"LOG_FILE: cannot create {folder}: {error}"
        ) from None
    if not os.access(folder, os.W_OK):
        raise ImproperlyConfigured(f"LOG_FILE: {folder} is not writable.")


LOG_FORMATS = ("plain", "json")
# The record's own attributes: everything else was passed in ``extra``.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None))
) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or "-",
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(
    *, level: str = "WARNING", log_file: str = "", log_format: str = "plain"
) -> dict:
    """A ``dictConfig`` for ``level``, ``log_format`` (``plain`` or
    ``json``), and ``log_file`` when it is not empty."""
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(
            f"LOG_FORMAT: {log_format!r} is not one of {', '.join(LOG_FORMATS)}."
        )
    handlers = {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": log_format,
            "filters": ["request_id"],
        }
    }
    if log_file:
        _writable_folder(log_file)
        handlers["file"] = {
            "class": "concurrent_log_handler.ConcurrentRotatingFileHandler",
            # Its own level: a Celery worker started with -l info lowers the
            # root's, and the file keeps only what LOG_LEVEL asks for.
            "level": level,
            "filename": log_file,
            "maxBytes": LOG_FILE_MAX_BYTES,
            "backupCount": LOG_FILE_BACKUPS,
            "encoding": "utf-8",
            "formatter": log_format,
            "filters": ["request_id"],
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {
                "format": "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
            },
            "json": {"()": JsonFormatter},
        },
        "filters": {"request_id": {"()": "marketplace.request_id.RequestIdFilter"}},
        "handlers": handlers,
        "root": {"handlers": list(handlers), "level": level},
    }

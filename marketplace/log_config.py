"""The LOGGING setting, built from the environment (settings.py calls it).

Everything at ``LOG_LEVEL`` and above (WARNING by default: Django's request
errors, the tracebacks of server errors, and our own loggers' warnings and
errors) goes to the console and, when ``LOG_FILE`` is set, to that file:
a daemonised gunicorn drops the console, the file stays. The file rotates
by size, safely shared by every web, worker and beat process writing it
(concurrent-log-handler locks it while writing and rotating, with a
``.__<name>.lock`` file beside it). Its folder is created if need be; a
LOG_FILE that cannot be written stops the start, as a missing SECRET_KEY does.

To add a destination (Sentry) or a format (JSON lines), add a formatter or
a handler here and name it in ``root["handlers"]``.
"""

import os
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


def logging_config(*, level: str = "WARNING", log_file: str = "") -> dict:
    """A ``dictConfig`` for ``level``, and ``log_file`` when it is not empty."""
    handlers = {"console": {"class": "logging.StreamHandler"}}
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
            "formatter": "plain",
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {
                "format": "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
            },
        },
        "handlers": handlers,
        "root": {"handlers": list(handlers), "level": level},
    }

"""Production settings plus the rehearsal's app (``bench.rehearsal.apps``).

Everything else comes from ``marketplace.settings`` and the environment the
driver sets (``bench.rehearsal.run``). Used by ``make rehearsal`` only.
"""

import os

from marketplace.settings import *  # noqa: F403
from marketplace.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.rehearsal.apps.RehearsalConfig"]

if os.environ.get("REHEARSAL_STATIC_ROOT"):
    STATIC_ROOT = os.environ["REHEARSAL_STATIC_ROOT"]
# Hashed names as in production, without WhiteNoise's gzip and Brotli copies:
# compressing every static file takes minutes on a busy machine, and the
# rehearsal requests no static file.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

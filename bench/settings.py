"""Production settings plus the benchmark's baseline view.

Everything comes from ``marketplace.settings`` and the environment (the
bench runs with ``DEBUG=0``); only the URL configuration adds
``/bench/ping/``, a trivial view behind the very same middleware, and the
``bench`` app brings the no-op Celery task the email figure is compared with.
These settings are used by ``make bench`` only, never by the site.
"""

import os

from marketplace.settings import *  # noqa: F403
from marketplace.settings import INSTALLED_APPS

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]

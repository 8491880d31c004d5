"""Settings of the Celery worker that tests start (celery_worker_process):
the project's settings from the environment, plus the test-only email
templates of tests/templates."""

from marketplace.settings import *  # noqa: F403
from marketplace.settings import BASE_DIR, TEMPLATES

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]

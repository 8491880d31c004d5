"""Settings of the Celery workers of the fault suite: those of
tests.infra.worker_settings, the faulty email backend, and the app that
installs the faults (shorter claims and back-offs, the payment provider's
switch) when Django starts in the worker."""

from tests.infra.worker_settings import *  # noqa: F403
from tests.infra.worker_settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.faults.apps.FaultsConfig"]
EMAIL_BACKEND = "tests.faults.backends.FaultyFileBackend"

"""Installed only in the Celery workers that the fault suite starts
(tests.faults.worker_settings): the faults are switched on and off from the
test process through files in ``FAULT_DIR``."""

from django.apps import AppConfig


class FaultsConfig(AppConfig):
    name = "tests.faults"
    label = "test_faults"

    def ready(self):
        from . import worker_faults

        worker_faults.install()

"""The rehearsal's own app: shortens how long a sender holds an outbox row
(``REHEARSAL_CLAIM_SECONDS``; 300 s in production) so that an email whose
worker was killed mid-send is sent again within the drain period, as the
fault suite does (tests/faults/worker_faults.py)."""

import os

from django.apps import AppConfig


class RehearsalConfig(AppConfig):
    name = "bench.rehearsal"
    label = "rehearsal"

    def ready(self):
        from marketplace.notifications import services as outbox

        if os.environ.get("REHEARSAL_CLAIM_SECONDS"):
            outbox.CLAIM_SECONDS = float(os.environ["REHEARSAL_CLAIM_SECONDS"])

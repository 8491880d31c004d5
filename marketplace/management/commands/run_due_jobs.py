from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from marketplace.health import record_heartbeat
from marketplace.jobs import run_all


class Command(BaseCommand):
    help = (
        "Run every periodic job once, now (the code Celery beat runs); with "
        "--at, as it would run at that moment."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at",
            help="Run the jobs as at this moment, e.g. 2027-03-01T12:00 "
            "(local time unless an offset is given).",
        )

    def handle(self, *args, **options):
        now = None
        if options.get("at"):
            now = parse_datetime(options["at"])
            if now is None:
                raise CommandError(
                    f"--at {options['at']!r}: write a date and time such as "
                    "2027-03-01T12:00."
                )
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        for path, count in run_all(now=now).items():
            self.stdout.write(f"{path}: {count}")
        # Run from cron instead of beat, the jobs still count as running
        # (GET /health/).
        record_heartbeat()

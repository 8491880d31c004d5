from django.core.management.base import BaseCommand

from marketplace.jobs import run_all


class Command(BaseCommand):
    help = "Run every periodic job once, now (the code Celery beat runs)."

    def handle(self, *args, **options):
        for path, count in run_all().items():
            self.stdout.write(f"{path}: {count}")

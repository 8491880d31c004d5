from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import override_settings

from demo import seed as demo


class Command(BaseCommand):
    help = (
        "Load the demo marketplace (six shops, a category tree, 60 items, buyers, "
        "staff, orders in every state, money, reviews). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-emails",
            action="store_true",
            help="Send the demo orders' emails through the configured backend "
            "instead of discarding them.",
        )

    def handle(self, *args, **options):
        with _unsynced_sqlite():
            if options["print_emails"]:
                result = demo.seed()
            else:
                # The demo orders' confirmation emails would flood the console.
                with override_settings(
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
                ):
                    result = demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo marketplace ready ({result['orders_placed']} new demo orders); "
                f"{result['reviews']} new reviews."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        self.stdout.write("  buyer      buyer        (English; orders in every state)")
        self.stdout.write("  buyer      acheteuse    (French; orders in every state)")
        for artist in result["artists"]:
            self.stdout.write(f"  artist     {artist.user.username:<12} {artist.name}")
        self.stdout.write(
            "  buyer      louise       (English; her orders give the artists money to show)"
        )
        self.stdout.write(
            "  buyer      jeanne       (French; she reviewed pieces of Hugo and Nora)"
        )
        self.stdout.write("  staff      staff        /admin/")
        self.stdout.write(
            "Discount codes: WELCOME10 (10 % off), CLAIRE5 (5 € off Atelier Claire from 30 €)"
        )


@contextmanager
def _unsynced_sqlite():
    """On SQLite, commit without waiting for the disk while seeding: the demo
    makes hundreds of small transactions (each email sent is two), and
    waiting for each doubles the time. An interrupted seed is safe; only an
    operating system crash in the middle could damage the file, and a demo
    database can be made again."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        # SQLite refuses to change it inside a transaction (as in tests).
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous = {int(previous)}")

from django.core.management.base import BaseCommand
from django.test import override_settings

from demo import seed as demo


class Command(BaseCommand):
    help = "Load the demo marketplace (three shops, items, a buyer, staff, orders). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-emails",
            action="store_true",
            help="Send the demo orders' emails through the configured backend "
            "instead of discarding them.",
        )

    def handle(self, *args, **options):
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
                f"Demo marketplace ready ({result['orders_placed']} new demo orders)."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        self.stdout.write("  buyer      buyer        (English)")
        self.stdout.write("  buyer      acheteuse    (French)")
        for artist in result["artists"]:
            self.stdout.write(f"  artist     {artist.user.username:<12} {artist.name}")
        self.stdout.write(
            "  buyer      louise       (English; her orders give the artists money to show)"
        )
        self.stdout.write("  staff      staff        /admin/")
        self.stdout.write(
            "Discount codes: WELCOME10 (10 % off), CLAIRE5 (5 € off Atelier Claire from 30 €)"
        )

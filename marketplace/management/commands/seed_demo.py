from django.core.management.base import BaseCommand

from marketplace import demo


class Command(BaseCommand):
    help = "Load the demo marketplace (three shops, items, a buyer, staff, orders). Idempotent."

    def handle(self, *args, **options):
        result = demo.seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo marketplace ready ({result['orders_placed']} new demo orders)."
        ))
        self.stdout.write("Demo logins (password for all: %s):" % demo.PASSWORD)
        self.stdout.write("  buyer      buyer        (English)")
        self.stdout.write("  buyer      acheteuse    (French)")
        for artist in result["artists"]:
            self.stdout.write(f"  artist     {artist.user.username:<12} {artist.name}")
        self.stdout.write("  staff      staff        /admin/")
        self.stdout.write("Discount codes: WELCOME10 (10 % off), CLAIRE5 (5 € off Atelier Claire from 30 €)")

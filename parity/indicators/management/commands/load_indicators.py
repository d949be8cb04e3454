from django.core.management.base import BaseCommand
from django.utils import timezone

from parity.indicators.catalog import load_builtin


class Command(BaseCommand):
    help = (
        "Create or update the built-in equalization indicators "
        "(after load_catalog and load_schedule)."
    )

    def handle(self, *args, **options) -> None:
        created, updated = load_builtin(timezone.localdate())
        self.stdout.write(f"indicators: {created} created, {updated} updated")

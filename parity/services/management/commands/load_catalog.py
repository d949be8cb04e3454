from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parity.services.catalog import BUNDLED_CATALOG, catalog_load, load_catalog_file


class Command(BaseCommand):
    help = "Create or update the catalog of public services from YAML (default: the bundled one)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(BUNDLED_CATALOG))

    def handle(self, *args, file: str, **options):
        try:
            result = catalog_load(acting_user=None, entries=load_catalog_file(Path(file)))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        r = result
        self.stdout.write(
            f"services: {r.created} new, {r.updated} updated, {r.unchanged} unchanged"
        )

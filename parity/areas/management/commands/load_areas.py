from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parity.areas.actions import BUNDLED_TREE, area_tree_load, load_tree_file


class Command(BaseCommand):
    help = (
        "Load (create or update) the area tree from a YAML file; defaults to the demo city, 包头市."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(BUNDLED_TREE), help="YAML area tree")

    def handle(self, *args, file: str, **options):
        try:
            result = area_tree_load(acting_user=None, tree=load_tree_file(Path(file)))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        r = result
        self.stdout.write(f"areas: {r.created} new, {r.updated} updated, {r.unchanged} unchanged")

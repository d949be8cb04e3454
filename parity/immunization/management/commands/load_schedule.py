from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parity.immunization.actions import schedule_load
from parity.immunization.schedule_data import BUNDLED_SCHEDULE, read_schedule_file


class Command(BaseCommand):
    help = (
        "Load (create or update) the vaccines and the editions of the national immunization "
        "schedule from a YAML file; defaults to the bundled 2021 edition and its 2025 change. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(BUNDLED_SCHEDULE), help="YAML file")

    def handle(self, *args, file: str, **options):
        try:
            data = read_schedule_file(Path(file))
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        r = schedule_load(acting_user=None, data=data)
        self.stdout.write(
            f"schedule: {r.vaccines} vaccines, {r.editions} editions, {r.doses} doses; "
            f"{r.changed} changed"
        )

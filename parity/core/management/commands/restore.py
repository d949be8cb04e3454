from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parity.core.backup import BackupError, restore
from parity.core.jobs import job


class Command(BaseCommand):
    help = (
        "Restore a backup made by `parity backup` into the configured database. Refused "
        "when the backup was made under another FIELD_ENCRYPTION_KEY, and, without "
        "--force, when the database already has tables. Afterwards the people are counted "
        "against the backup's manifest and a sample of their ID numbers is opened. Stop "
        "the web server and the nightly jobs first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace the data of a non-empty database"
        )

    def handle(self, *args, file: Path, force: bool, **options):
        try:
            with job("restore", file=file.name, force=force) as summary:
                outcome = restore(file, force=force)
                summary["people"] = outcome.people.count
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = outcome.manifest
        self.stdout.write(
            f"restored {file} (made {manifest['created_at']} by Parity "
            f"{manifest['parity_version']}): people: {outcome.people.count}, "
            f"{outcome.people.sampled} sampled ID numbers read with the current key"
        )
        self.stdout.write("next: parity migrate, then start the web server and the jobs")

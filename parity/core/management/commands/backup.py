from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parity.core.backup import BackupError, backup
from parity.core.jobs import job


class Command(BaseCommand):
    help = (
        "Back up the whole database into one tar file (pg_dump on PostgreSQL, SQLite's "
        "online backup in the embedded mode) with a manifest that identifies the "
        "FIELD_ENCRYPTION_KEY. Refuses when the running key cannot open the data. The key "
        "is not in the backup: keep it apart from it (README, 'Backups and the restore "
        "drill')."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=None, help="file to write (default: var/backups/)"
        )

    def handle(self, *args, output: Path | None, **options):
        try:
            with job("backup") as summary:
                outcome = backup(output)
                summary["people"] = outcome.people.count
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size_mb = outcome.path.stat().st_size / (1024 * 1024)
        self.stdout.write(
            f"{outcome.path}: {size_mb:.1f} MB, people: {outcome.people.count} "
            f"({outcome.people.sampled} opened with the current key)"
        )

from django.core.management.base import BaseCommand, CommandError

from parity.core.uploads import purge_uploads


class Command(BaseCommand):
    help = (
        "Delete import uploads, error reports and export job files older than "
        "PARITY_UPLOAD_RETENTION_DAYS "
        "(or --days). Run it nightly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="keep files this many days instead")

    def handle(self, *args, days: int | None, **options):
        if days is not None and days < 0:
            raise CommandError("--days must not be negative")
        deleted = purge_uploads(days=days)
        self.stdout.write(f"deleted {deleted} upload file(s)")

from django.core.management.base import BaseCommand

from parity.people.actions import person_ids_normalise
from parity.people.management.commands._acting import acting_user


class Command(BaseCommand):
    help = (
        "Find ID numbers stored as typed (full-width digits, invisible characters): rewrite "
        "those whose normal form is free, and report those whose normal form is already "
        "another person's (the same person registered twice). --dry-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report only")
        parser.add_argument("--user", help="acting user (default: the first superuser)")

    def handle(self, *args, dry_run: bool, user: str | None, **options):
        # A dry run writes nothing, so it needs no one to act as.
        actor = acting_user(user) if user or not dry_run else None
        report = person_ids_normalise(acting_user=actor, dry_run=dry_run)
        verb = "would rewrite" if dry_run else "rewrote"
        self.stdout.write(
            f"scanned {report.scanned} people; {verb} {len(report.normalised)} ID numbers; "
            f"{len(report.conflicts)} conflicts"
        )
        for pk, twin in report.conflicts:
            self.stdout.write(f"  person {pk} normalises to the ID number of person {twin}")

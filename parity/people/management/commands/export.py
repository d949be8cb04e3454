from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parity.people.choices import Status
from parity.people.exports import FORMATS, export_people
from parity.people.filters import PersonFilterSet
from parity.people.management.commands._acting import acting_user
from parity.people.models import Person


class Command(BaseCommand):
    help = (
        "Export people, restricted and masked as the acting user sees them, with the import "
        "template's headers: `parity export people --format xlsx --output FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["people"])
        parser.add_argument("--format", choices=FORMATS, default=None)
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--user", help="acting user (default: the first superuser)")
        parser.add_argument("--area", help="area code: this node and everything below it")
        parser.add_argument("--status", choices=[s.value for s in Status])
        parser.add_argument("--q", help="name, ID number or phone")

    def handle(self, *args, output: Path, user, **options):
        fmt = options["format"] or output.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError("give --format xlsx or csv (or an output ending in one)")
        data = {k: options[k] for k in ("area", "status", "q") if options.get(k)}
        people = Person.objects.restrict(acting_user(user), "view")
        filterset = PersonFilterSet(data=data, queryset=people)
        if not filterset.is_valid():
            raise CommandError(filterset.errors.as_text())
        count = export_people(filterset.qs, output, fmt)
        self.stdout.write(f"exported {count} people to {output}")

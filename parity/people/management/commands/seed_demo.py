from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parity.people.demo import demo_population_seed
from parity.people.management.commands._acting import acting_user


class Command(BaseCommand):
    help = (
        "Generate a deterministic demo population (families, migrants, dwellings, jobs) in "
        "the demo area tree through the import engine. Running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2014)
        parser.add_argument("--user", help="acting user (default: none, the system)")

    def handle(self, *args, people: int, seed: int, user, **options):
        try:
            result = demo_population_seed(
                acting_user=acting_user(user) if user else None,
                people=people,
                seed=seed,
                progress=options["verbosity"] > 0,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if result.errors:
            raise CommandError(f"generated rows failed validation: {result.errors[:3]}")
        self.stdout.write(
            f"demo people: {result.people} ({result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged); dwellings: {result.dwellings_created} new; "
            f"households: {result.households_created} new"
        )

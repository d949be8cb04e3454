"""``parity demo``: generate the demo city (see ``parity.demo.generate``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parity.demo.generate import demo_city_generate
from parity.people.models import Person


class Command(BaseCommand):
    help = (
        "Generate a synthetic city like the source report's (600,000 floating people at "
        "--scale 1) into the configured database, deterministically for a seed. "
        "Refuses to run on a database that holds people unless --replace is given. "
        "WARNING: --replace DELETES EVERY PERSON, DWELLING, HOUSEHOLD, SERVICE RECORD, "
        "VACCINATION, CAMPAIGN, PREGNANCY AND CERTIFICATE in the database (TRUNCATE … CASCADE "
        "on PostgreSQL), the demo's health sites and its grid workers, then generates "
        "again. Grid workers (demo-grid-NNNNN) get unusable passwords: set one with "
        "`parity changepassword demo-grid-00001`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = the report's city")
        parser.add_argument("--seed", type=int, default=2014)
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="the date the figures hold on (YYYY-MM-DD; default today)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already holds people: "
            "what `make run` uses, so that running it again keeps the data",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="DELETE the registry and all its records first (see above)",
        )

    def handle(self, *args, scale, seed, as_of, replace, if_empty, verbosity, **options):
        as_of = as_of or timezone.localdate()
        if if_empty and not replace and Person.objects.exists():
            self.stdout.write("The database already holds people: demo city left as it is.")
            return
        try:
            result = demo_city_generate(
                acting_user=None,
                scale=scale,
                seed=seed,
                as_of=as_of,
                replace=replace,
                progress=verbosity > 0,
                log=(lambda m: self.stdout.write(m)) if verbosity > 0 else (lambda m: None),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        total = sum(seconds for _name, seconds, _rows in result.stages)
        rows = sum(result.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city at scale {scale} (seed {seed}, as of {as_of}): "
                f"{rows:,} rows in {total:.1f} s"
            )
        )

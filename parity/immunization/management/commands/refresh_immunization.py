import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from parity.core.jobs import job
from parity.immunization.actions import immunization_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the pending doses (DoseDue) of every child under 18, or of one area, as of a "
        "date (default today). Run it nightly: age rules (BCG from 4 years, MPSV-A to MPSV-AC "
        "at 24 months) change what is due without any new record."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--area", default="", help="area code: only children managed there")

    def handle(self, *args, as_of, area: str, **options):
        try:
            on = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        with job("refresh_immunization", as_of=on, area_code=area.strip()) as summary:
            result = immunization_refresh(
                acting_user=None, on=on, area_code=area.strip(), progress=options["verbosity"] > 0
            )
            summary.update(children=result.children, rows=result.rows)
        self.stdout.write(
            f"children: {result.children}; pending doses: {result.rows}; {result.seconds:.1f} s"
        )

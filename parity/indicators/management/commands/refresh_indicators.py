import datetime as dt
import time

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parity.certificates.eligible import permit_eligibility_rebuild
from parity.core.jobs import job
from parity.indicators.compute import refresh
from parity.indicators.signals import indicators_computed
from parity.maternal.due import refresh_all as refresh_child_check_dues
from parity.maternal.visit_due import refresh_all as refresh_pregnancy_visit_dues


class Command(BaseCommand):
    help = (
        "Compute every active indicator and the dashboard figures for every area node on a "
        "date (default today), replacing that date's cache. --months N also computes the "
        "last N month-ends before it, for the trend charts. Each date is written into a new "
        "computation that replaces the old one at the end, on --workers database connections "
        "at once (PostgreSQL; default PARITY_REFRESH_WORKERS). First rebuilds the child "
        "health checks' overdue days and the pregnancies' overdue visits that the overdue "
        "lists read, and each person's day of eligibility for a residence permit that the "
        "eligible list reads."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--months", type=int, default=0)
        parser.add_argument("--by", default="", help="username recorded as having started it")
        parser.add_argument(
            "--workers", type=int, default=None, help="database connections (1: sequential)"
        )

    def handle(self, *args, as_of=None, months=0, by="", workers=None, **options) -> None:
        if months < 0:
            raise CommandError("--months must be 0 or more")
        if workers is not None and workers < 1:
            raise CommandError("--workers must be 1 or more")

        user = get_user_model().objects.filter(username=by).first() if by else None
        if by and user is None:
            raise CommandError(f"no user {by!r}")
        as_of = as_of or timezone.localdate()
        dates = [as_of.replace(day=1) - relativedelta(months=n) - dt.timedelta(days=1)
                 for n in range(months - 1, -1, -1)]  # fmt: skip
        with job("refresh_indicators", as_of=as_of, months=months) as summary:
            # The child health checks' overdue days (maternal.ChildCheckDue), which the
            # overdue list and key group read, rebuilt for every child first.
            dues = refresh_child_check_dues()
            summary["child_check_dues"] = dues.rows
            self.stdout.write(
                f"child health checks due: {dues.rows} rows for {dues.children} children "
                f"in {dues.seconds:.1f} s"
            )
            # The pregnancies' overdue visits (maternal.PregnancyVisitDue), likewise.
            visits = refresh_pregnancy_visit_dues()
            summary["pregnancy_visit_dues"] = visits.rows
            self.stdout.write(
                f"pregnancy visits due: {visits.rows} rows for {visits.pregnancies} pregnancies "
                f"in {visits.seconds:.1f} s"
            )
            # The day each person became eligible for a residence permit
            # (Person.permit_eligible_on): kept on every write, rebuilt here in one
            # statement to repair what a path without the receivers left behind.
            eligible = permit_eligibility_rebuild()
            summary["permit_eligible_changed"] = eligible.changed
            self.stdout.write(
                f"residence permit eligibility: {eligible.eligible} people eligible, "
                f"{eligible.changed} changed in {eligible.seconds:.1f} s"
            )
            summary["rows"] = 0
            for day in [*dates, as_of]:
                snapshot = refresh(
                    as_of=day,
                    acting_user=user,
                    progress=lambda code: self.stdout.write(f"  {code}"),
                    workers=workers,
                )
                summary["rows"] += snapshot.rows
                self.stdout.write(f"{day}: {snapshot.rows} rows in {snapshot.seconds:.1f} s")
            started = time.monotonic()
            indicators_computed.send(sender=self.__class__, snapshot=snapshot)
            self.stdout.write(f"pages prepared in {time.monotonic() - started:.1f} s")

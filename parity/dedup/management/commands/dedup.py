"""``parity dedup sweep``: find candidate duplicate people in the whole registry."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from parity.dedup import actions, rules
from parity.dedup.tasks import dedup_sweep


class Command(BaseCommand):
    help = "疑似重复人员: sweep 比对全部人员并把候选对列入核查 (find duplicate people)"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        sweep = sub.add_parser("sweep", help="compare everyone in their blocks, queue the pairs")
        sweep.add_argument("--min-score", type=float, default=rules.MIN_SCORE)
        sweep.add_argument(
            "--background", action="store_true", help="enqueue for `parity worker` instead"
        )

    def handle(self, *args, what: str, min_score: float, background: bool, **options) -> None:
        if background:
            result = dedup_sweep.enqueue(min_score)
            self.stdout.write(f"queued: task {result.id}")
            return
        report = actions.pairs_sweep(
            acting_user=None,
            min_score=min_score,
            progress=lambda n: self.stdout.write(f"  {n:,} people read"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.people:,} people, {report.compared:,} pairs compared, "
                f"{report.candidates:,} candidates ({report.new:,} new) in {report.seconds:.1f} s"
            )
        )

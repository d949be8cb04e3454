"""``parity exchange send-pending`` delivers every partner's queue now (also what a cron
job can run when no worker is up); ``parity exchange status`` prints the queue's health."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from parity.exchange import delivery, selectors


class Command(BaseCommand):
    help = "Exchange between Parity instances: send-pending (deliver now), status (queues)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("send-pending", help="deliver every partner's pending messages now")
        sub.add_parser("status", help="per partner: pending, oldest, failures, last error")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "send-pending":
            results = delivery.send_pending()
            for code, result in results.items():
                self.stdout.write(f"{code}\tsent {result.sent}\tfailed {result.failed}")
            if not results:
                self.stdout.write("nothing pending")
            return
        for row in selectors.queue_health():
            oldest = row.oldest.isoformat(timespec="seconds") if row.oldest else "-"
            self.stdout.write(
                f"{row.partner.code}\tpending {row.pending}\toldest {oldest}\t"
                f"failures {row.partner.failures}\t{row.partner.last_error or '-'}"
            )

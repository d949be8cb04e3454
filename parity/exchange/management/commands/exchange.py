"""``parity exchange send-pending`` delivers every partner's queue now (also what a cron
job can run when no worker is up); ``parity exchange status`` prints the queue's health;
``parity exchange key new|activate|list`` rotates our own signing key (see ``signing``)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parity.exchange import actions, delivery, selectors, signing
from parity.exchange.models import OwnKey


class Command(BaseCommand):
    help = "Exchange between Parity instances: send-pending (deliver now), status (queues)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("send-pending", help="deliver every partner's pending messages now")
        sub.add_parser("status", help="per partner: pending, oldest, failures, last error")
        key = sub.add_parser("key", help="rotate our own signing key")
        key.add_argument(
            "step",
            choices=["new", "activate", "list"],
            help="new: stage a key and print its public JWK for the partners; "
            "activate: sign with it from now on; list: our keys",
        )

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "key":
            self._key(options["step"])
            return
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

    def _key(self, step: str) -> None:
        try:
            if step == "new":
                row = actions.own_key_new(acting_user=None)
                self.stdout.write(json.dumps(actions.own_key_public(row)))
                return
            if step == "activate":
                row = actions.own_key_activate(acting_user=None)
                self.stdout.write(f"signing with {signing.own_code()}:{row.kid}")
                return
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        current = signing.own_key().thumbprint()
        for row in OwnKey.objects.filter(code=signing.own_code()):
            state = "retired" if row.retired_at else "active" if row.activated_at else "staged"
            self.stdout.write(f"{row.kid}\t{state}")
        self.stdout.write(f"signing with {signing.own_code()}:{current}")

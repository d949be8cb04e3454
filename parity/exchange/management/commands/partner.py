"""``parity partner add --code --url --key``: register a partner instance (or a new key of
one: its rotation); ``parity partner retire-key --code --kid``; ``parity partner list``;
``parity partner own-key``: our public key, to give to partners."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parity.exchange import actions, signing
from parity.exchange.models import Partner


class Command(BaseCommand):
    help = (
        "Partner instances of the exchange: add (or add a rotated key), retire-key, list, "
        "own-key (our Ed25519 public key as a JWK, for the partner's administrator)."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="register a partner with its public key")
        add.add_argument("--code", required=True, help="GB/T 2260 code (2, 4 or 6 digits)")
        add.add_argument("--url", required=True, help="the partner's base URL")
        add.add_argument("--key", required=True, help="Ed25519 public key: JWK, PEM or base64url")
        add.add_argument("--name", default="")
        retire = sub.add_parser("retire-key", help="stop accepting one of a partner's keys")
        retire.add_argument("--code", required=True)
        retire.add_argument("--kid", required=True)
        sub.add_parser("list", help="partners and their keys")
        sub.add_parser("own-key", help="print our public key (JWK)")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "own-key":
            self.stdout.write(json.dumps(signing.own_public_jwk()))
            return
        if verb == "list":
            for partner in Partner.objects.prefetch_related("keys"):
                keys = ", ".join(
                    k.kid + (" (retired)" if k.retired_at else "") for k in partner.keys.all()
                )
                self.stdout.write(f"{partner.code}\t{partner.url}\t{keys}")
            return
        try:
            if verb == "add":
                partner = actions.partner_add(
                    acting_user=None,
                    code=options["code"],
                    url=options["url"],
                    key=options["key"],
                    name=options["name"],
                )
                self.stdout.write(f"partner {partner.code} registered ({partner.url})")
            elif verb == "retire-key":
                found = Partner.objects.filter(code=options["code"]).first()
                if found is None:
                    raise CommandError(f"未登记的合作地区:{options['code']}")
                count = actions.partner_key_retire(
                    acting_user=None, partner=found, kid=options["kid"]
                )
                self.stdout.write(f"{count} key(s) retired")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

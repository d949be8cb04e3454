"""A partner instance inside the test's own database: the delivery worker's HTTP calls are
routed to this Django's inbox, answered as if by the partner (its code and key switched in
for the call). Both sides' rows share the tables, which the tests account for."""

from __future__ import annotations

import json
import secrets

from django.test import Client, override_settings

from parity.exchange import signing
from parity.exchange.actions import partner_add

PARTNER_CODE = "410102"


class Response:
    def __init__(self, response):
        self.status_code = response.status_code
        self.text = response.content.decode()
        self._json = response.json() if response.status_code in (200, 400) else None

    def json(self):
        return self._json


class Loopback:
    def __init__(self):
        self.seed = secrets.token_urlsafe(32)
        self.key = signing._own_key(self.seed)
        self.down = 0
        self.lost_after_store = 0
        self.calls = 0
        self.delivered: list[str] = []
        self.partner = partner_add(
            acting_user=None,
            code=PARTNER_CODE,
            url="http://partner.invalid",
            key=json.dumps(self.key.as_dict(private=False)),
        )
        # How the partner knows us.
        partner_add(
            acting_user=None,
            code=signing.own_code(),
            url="http://us.invalid",
            key=json.dumps(signing.own_public_jwk()),
        )

    def post(self, url, json=None, timeout=None):
        import requests

        self.calls += 1
        if self.down > 0:
            self.down -= 1
            raise requests.ConnectionError("partner down")
        with override_settings(PARITY_EXCHANGE_CODE=PARTNER_CODE, PARITY_EXCHANGE_KEY=self.seed):
            response = Client().post(
                "/api/v1/exchange/inbox/", json, content_type="application/json"
            )
        self.delivered.extend(json["messages"])
        if self.lost_after_store > 0:
            self.lost_after_store -= 1
            raise requests.ConnectionError("connection lost after the partner stored the batch")
        return Response(response)

import datetime as dt
import json
import uuid

import pytest
from joserfc import jws
from joserfc.jwk import OKPKey

from parity.exchange import signing
from parity.exchange.actions import partner_add
from parity.exchange.models import Partner

HENAN = "410102"


class Remote:
    """Another instance as a test sees it: its code, its key, and a way to sign as it."""

    partner: Partner  # set by the fixture that registers it

    def __init__(self, code: str):
        self.code = code
        self.key = OKPKey.generate_key("Ed25519")
        self.public = self.key.as_dict(private=False)

    @property
    def kid(self) -> str:
        return f"{self.code}:{self.key.thumbprint()}"

    def token(self, claims: dict, *, key=None, iat=None, aud=None) -> str:
        return signing.sign(
            {"aud": aud or signing.own_code(), **claims},
            key=key or self.key,
            kid=f"{self.code}:{(key or self.key).thumbprint()}",
            issuer=self.code,
            iat=iat,
        )


def message(type_: str, body: dict, *, subject: str = "s1", seq: int = 1, id_=None) -> dict:
    return {
        "id": str(id_ or uuid.uuid4()),
        "type": type_,
        "subject": subject,
        "seq": seq,
        "body": body,
    }


def receipt_results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return json.loads(jws.extract_compact(response.json()["receipt"].encode()).payload)["results"]


@pytest.fixture
def henan(db):
    remote = Remote(HENAN)
    remote.partner = partner_add(
        acting_user=None,
        code=HENAN,
        url="http://127.0.0.1:9/",
        key=json.dumps(remote.public),
        name="郑州市中原区",
    )
    return remote


@pytest.fixture
def post_inbox(client):
    def _post(tokens: list[str]):
        return client.post(
            "/api/v1/exchange/inbox/", {"messages": tokens}, content_type="application/json"
        )

    return _post


TODAY = dt.date.today


EXCHANGE_INDICATORS = (
    "exchange_notice_rate",
    "exchange_feedback_rate",
    "exchange_timely_feedback_rate",
    "exchange_free_service_rate",
)


@pytest.fixture
def exchange_indicators(db, catalog):
    """The built-in exchange indicators (parity/indicators/data/indicators.yaml), loaded as
    ``parity load_indicators`` loads them."""
    from parity.indicators.catalog import load_builtin
    from parity.indicators.models import Indicator

    load_builtin(dt.date.today())
    return list(Indicator.objects.filter(code__in=EXCHANGE_INDICATORS).order_by("code"))

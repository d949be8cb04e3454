"""Signed messages: JWS compact serialization, EdDSA over Ed25519 (joserfc, ``alg``
``Ed25519`` as RFC 9864 names it).

Our private key is a 32-byte Ed25519 seed kept like the other embedded secrets
(``PARITY_EXCHANGE_KEY``, ``PARITY_EXCHANGE_KEY_FILE``, else generated into
``var/exchange_key``). The key id names the sender: ``<region code>:<JWK thumbprint>``,
so the receiver finds the partner and the key before it trusts a byte of the payload.
Rotation of a partner's key: we register its new public key beside the old one (``parity
partner add`` again, or the partner's page); messages in flight under the old key still
verify until we retire it.

Rotation of our own key (``parity exchange key new``, then ``activate``): the new key is
staged and published to the partners first (it signs nothing yet); once activated it
signs everything sent from then on, and a partner keeps accepting tokens already signed
with the old key until it retires that one. A partner that has not registered the new key
yet refuses our messages with ``exchange_unknown_key``: the delivery keeps them pending
and retries (``delivery.RETRYABLE``), so nothing is lost either way. Our keys after a
rotation are ``OwnKey`` rows (sealed); before any, ``PARITY_EXCHANGE_KEY`` signs."""

from __future__ import annotations

import base64
import functools
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from parity.exchange.error_codes import ExchangeError

# RFC 9864's fully-specified name for EdDSA over Ed25519 ("EdDSA" alone is deprecated).
ALGORITHMS = ["Ed25519"]
TYP = "parity-exchange+jws"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@functools.lru_cache(maxsize=4)
def _own_key(seed_text: str) -> OKPKey:
    seed = base64.urlsafe_b64decode(seed_text + "=" * (-len(seed_text) % 4))[:32]
    if len(seed) != 32:
        raise ValueError("PARITY_EXCHANGE_KEY must hold 32 bytes (base64url)")
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    x = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "d": _b64(seed), "x": _b64(x)})


def _active_seed() -> str:
    """The seed of our newest active rotated key, else the configured one."""
    # deferred: another app's module, needed on this path only
    from parity.core import crypto
    from parity.exchange.models import OwnKey

    row = (
        OwnKey.objects.filter(code=own_code(), activated_at__isnull=False, retired_at__isnull=True)
        .order_by("-activated_at", "-id")
        .only("seed")
        .first()
    )
    return crypto.decrypt(row.seed) if row is not None else settings.PARITY_EXCHANGE_KEY


def own_key() -> OKPKey:
    return _own_key(_active_seed())


def key_from_seed(seed_text: str) -> OKPKey:
    return _own_key(seed_text)


def public_jwk(key: OKPKey) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": str(key.as_dict(private=False)["x"])}


@dataclass
class Signer:
    """Our current key and its kid, read once for a batch of tokens."""

    key: OKPKey
    kid: str


def signer() -> Signer:
    key = own_key()
    return Signer(key, f"{own_code()}:{key.thumbprint()}")


def own_code() -> str:
    return settings.PARITY_EXCHANGE_CODE


def own_public_jwk() -> dict[str, str]:
    return public_jwk(own_key())


def thumbprint(jwk: dict[str, Any]) -> str:
    return OKPKey.import_key(jwk).thumbprint()


def own_kid() -> str:
    return f"{own_code()}:{own_key().thumbprint()}"


def sign(
    claims: dict[str, Any],
    *,
    key: OKPKey | None = None,
    kid: str | None = None,
    issuer: str | None = None,
    iat: int | None = None,
    by: Signer | None = None,
) -> str:
    """A compact JWS of ``claims`` plus ``iss`` and ``iat`` (now), signed ``by`` our
    current key (read once per batch by the caller, else here). ``key``, ``kid`` and
    ``issuer`` stand in for another instance (tests, the benchmark)."""
    if key is None:
        by = by or signer()
        key, kid = by.key, kid or by.kid
    body = {**claims, "iss": issuer or own_code(), "iat": int(time.time()) if iat is None else iat}
    header = {"alg": ALGORITHMS[0], "typ": TYP, "kid": kid or f"{own_code()}:{key.thumbprint()}"}
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    return jws.serialize_compact(header, payload, key, algorithms=ALGORITHMS)


class Refused(Exception):
    """A message we do not accept: ``code`` (``ExchangeError``) says why."""

    def __init__(self, code: str, detail: str = "", sender_code: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.sender_code = sender_code


@dataclass
class Verified:
    partner: Any
    claims: dict[str, Any]


def verify(token: str, *, window_seconds: int | None = None) -> Verified:
    """Check a token: a known sender, one of its current keys, an intact signature, a
    recipient that is us and a timestamp within the window. Raises ``Refused``."""
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.models import Partner, PartnerKey

    window = settings.PARITY_EXCHANGE_WINDOW_SECONDS if window_seconds is None else window_seconds
    try:
        unverified = jws.extract_compact(token.encode())
        header = unverified.headers()
    except (JoseError, ValueError, UnicodeError) as exc:
        raise Refused(ExchangeError.MALFORMED, type(exc).__name__) from exc
    kid = str(header.get("kid") or "")
    sender_code, _, print_ = kid.partition(":")
    partner = Partner.objects.filter(code=sender_code, active=True).first()
    if partner is None:
        raise Refused(ExchangeError.UNKNOWN_SENDER, sender_code[:20], sender_code[:20])
    key_row = PartnerKey.objects.filter(
        partner=partner, kid=print_, retired_at__isnull=True
    ).first()
    if key_row is None:
        raise Refused(ExchangeError.UNKNOWN_KEY, print_[:64], partner.code)
    try:
        verified = jws.deserialize_compact(
            token, OKPKey.import_key(key_row.jwk), algorithms=ALGORITHMS
        )
        claims = json.loads(verified.payload)
    except (JoseError, ValueError) as exc:
        raise Refused(ExchangeError.BAD_SIGNATURE, type(exc).__name__, partner.code) from exc
    if not isinstance(claims, dict) or claims.get("iss") != partner.code:
        raise Refused(ExchangeError.BAD_SIGNATURE, "iss", partner.code)
    if claims.get("aud") != own_code():
        raise Refused(ExchangeError.WRONG_RECIPIENT, str(claims.get("aud"))[:20], partner.code)
    iat = claims.get("iat")
    if not isinstance(iat, int) or abs(time.time() - iat) > window:
        raise Refused(ExchangeError.STALE_TIMESTAMP, str(iat)[:20], partner.code)
    return Verified(partner, claims)

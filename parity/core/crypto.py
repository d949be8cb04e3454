"""Field encryption for sensitive personal information (ID and phone numbers).

Values are sealed with AES-256-GCM under ``settings.FIELD_ENCRYPTION_KEY``; a keyed
HMAC-SHA256 of the normalised value (the *blind index*) allows exact lookup and
uniqueness without storing the plaintext. Ciphertext layout: ``v1:`` + base64(nonce ‖ ct).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from binascii import b2a_base64
from collections.abc import Callable, Sequence
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PREFIX = "v1:"
_NONCE = 12
_SHA256_BLOCK = 64


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[AESGCM, bytes]:
    # Derive separate keys for sealing and for the blind index from the one secret.
    root = hashlib.sha256(secret.encode("utf-8")).digest()
    enc_key = hmac.new(root, b"parity-field-encryption", hashlib.sha256).digest()
    idx_key = hmac.new(root, b"parity-blind-index", hashlib.sha256).digest()
    return AESGCM(enc_key), idx_key


def _current() -> tuple[AESGCM, bytes]:
    return _keys(settings.FIELD_ENCRYPTION_KEY)


def encrypt(plaintext: str) -> str:
    aes, _ = _current()
    nonce = os.urandom(_NONCE)
    sealed = aes.encrypt(nonce, plaintext.encode("utf-8"), None)
    return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("not a Parity ciphertext")
    aes, _ = _current()
    raw = base64.b64decode(token[len(_PREFIX) :])
    return aes.decrypt(raw[:_NONCE], raw[_NONCE:], None).decode("utf-8")


@lru_cache(maxsize=4)
def _blind_indexer(secret: str) -> Callable[[str], str]:
    # HMAC-SHA256 with the inner and outer pads hashed once per key: a value then costs
    # two ``sha256.copy()`` instead of a full ``hmac.new`` (bulk imports do millions).
    _aes, key = _keys(secret)
    padded = key.ljust(_SHA256_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def index(value: str) -> str:
        digest = inner.copy()
        digest.update(value.encode("utf-8"))
        result = outer.copy()
        result.update(digest.digest())
        return result.hexdigest()

    return index


def blind_indexer() -> Callable[[str], str]:
    """``blind_index`` for the current key, as a function to call in a loop."""
    return _blind_indexer(settings.FIELD_ENCRYPTION_KEY)


def blind_index(value: str) -> str:
    return blind_indexer()(value)


def seal_many(values: Sequence[str]) -> list[str]:
    """``[encrypt(v) for v in values]`` with the nonces drawn in one ``os.urandom`` call
    (still 96 random bits each, never reused)."""
    aes, _key = _current()
    nonces = os.urandom(_NONCE * len(values))
    sealed = []
    for i, value in enumerate(values):
        nonce = nonces[i * _NONCE : (i + 1) * _NONCE]
        token = b2a_base64(nonce + aes.encrypt(nonce, value.encode("utf-8"), None), newline=False)
        sealed.append(_PREFIX + token.decode("ascii"))
    return sealed


def mask_id_number(number: str) -> str:
    """``150203199001011234`` → ``150203********1234``."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]

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
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PREFIX = "v1:"


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
    nonce = os.urandom(12)
    sealed = aes.encrypt(nonce, plaintext.encode("utf-8"), None)
    return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("not a Parity ciphertext")
    aes, _ = _current()
    raw = base64.b64decode(token[len(_PREFIX) :])
    return aes.decrypt(raw[:12], raw[12:], None).decode("utf-8")


def blind_index(value: str) -> str:
    _, key = _current()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


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

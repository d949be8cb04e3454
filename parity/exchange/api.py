"""The inbox: the only part of Parity another instance reaches. It is authenticated by the
messages' signatures, not by a user's token: each message is checked on its own, and the
answer is a receipt signed with our key, which the sender checks in turn."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from parity.exchange import schemas, signing
from parity.exchange.actions import inbox_receive

MAX_MESSAGES = 500

REQUEST_SCHEMA = {
    "type": "object",
    "required": ["messages"],
    "properties": {
        "messages": {
            "type": "array",
            "maxItems": MAX_MESSAGES,
            "description": (
                "Compact JWS tokens (alg Ed25519, i.e. EdDSA over Ed25519; "
                "kid = '<region code>:<JWK thumbprint>'). "
                "Each payload is the envelope below, its body one of the per-type schemas."
            ),
            "items": {"type": "string"},
        }
    },
    "x-message-envelope": schemas.ENVELOPE,
    "x-message-bodies": schemas.openapi_components()["bodies"],
}
RESPONSE_SCHEMA = {
    "type": "object",
    "properties": {
        "receipt": {
            "type": "string",
            "description": (
                "A JWS signed by the receiver: {iss, aud, iat, results: [{id, status: "
                "applied|held|duplicate|refused, code}]}"
            ),
        }
    },
}


class InboxView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        operation_id="exchange_inbox",
        summary="Receive signed messages from a partner instance (区域协作收件)",
        request={"application/json": REQUEST_SCHEMA},
        responses={200: RESPONSE_SCHEMA, 400: {"type": "object"}},
        examples=[OpenApiExample("batch", value={"messages": ["eyJhbGciOiJFZERTQSJ9..."]})],
        tags=["exchange"],
    )
    def post(self, request):
        tokens = request.data.get("messages") if isinstance(request.data, dict) else None
        if not isinstance(tokens, list) or not tokens or len(tokens) > MAX_MESSAGES:
            return Response(
                {"code": "exchange_malformed", "detail": "messages: 1 to 500 JWS strings"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        results = [inbox_receive(t if isinstance(t, str) else "") for t in tokens]
        sender = _sender_of(tokens[0])
        receipt = signing.sign({"aud": sender, "results": results})
        return Response({"receipt": receipt})


def _sender_of(token) -> str:
    # deferred: needed on this path only
    from joserfc import jws

    try:
        kid = str(jws.extract_compact(token.encode()).headers().get("kid", ""))
    except Exception:
        return "00"
    code = kid.partition(":")[0]
    return code if code.isdigit() else "00"


__all__ = ["InboxView", "AnonRateThrottle"]

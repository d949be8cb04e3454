"""The token endpoint: password, and a one-time code for users who must sign in with one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle

from parity.accounts.two_factor import two_factor_required, verified_device
from parity.core.api.base import errors
from parity.core.error_codes import ErrorCode


class LoginThrottle(AnonRateThrottle):
    # Slows password guessing against the token endpoint; per client address (the
    # X-Forwarded-For entry of the trusted proxy, NUM_PROXIES: never one the client wrote).
    rate = "20/min"


class TokenSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label=_("验证码"), required=False, write_only=True, max_length=16
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if two_factor_required(user):
            code = attrs.get("otp_token", "")
            if not code:
                raise serializers.ValidationError(
                    {
                        "otp_token": _(
                            "该账号须使用两步验证：请在 otp_token 中提供认证应用的验证码。"
                        )
                    },
                    code=ErrorCode.OTP_REQUIRED,
                )
            if verified_device(user, code) is None:
                raise serializers.ValidationError(
                    {"otp_token": _("验证码不正确或已过期。")}, code=ErrorCode.OTP_INVALID
                )
        return attrs


class TokenView(ObtainAuthToken):
    serializer_class = TokenSerializer
    throttle_classes = [LoginThrottle]

    @extend_schema(
        summary=_("用户名和密码换取令牌"),
        request=TokenSerializer,
        responses={
            200: inline_serializer("TokenIssued", {"token": serializers.CharField()}),
            **errors(400, 429),
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

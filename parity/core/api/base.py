"""Pieces every app's API module shares: scoped related fields, area codes, the ``?on=``
and ``?area=`` parameters, pagination, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import InvalidPage
from django.db import models
from django.http import Http404
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from parity.accounts.models import Department
from parity.accounts.permissions import VIEW, scope_code
from parity.accounts.selectors import provider_departments
from parity.areas.models import Area
from parity.core import params
from parity.core.concurrency import version_of
from parity.core.error_codes import ErrorCode
from parity.core.pagination import BoundedCountPaginator


class Pagination(PageNumberPagination):
    """Pages of 50 (``page_size`` up to 500). ``count`` is null when counting the list
    would take longer than ``PARITY_LIST_COUNT_BUDGET_MS`` (a district's or the city's
    people): follow ``next`` until it is null."""

    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = BoundedCountPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's own, less the browsable API's page links (they need the number of pages).
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage as error:
            message = self.invalid_page_message.format(page_number=number, message=str(error))
            raise exceptions.NotFound(message) from error
        return list(self.page)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["nullable"] = True
        return response


class ActionViewSet(viewsets.GenericViewSet):
    """Writes parse input with the action's serializer, then call one action function with
    what it validated. Naming the input serializers per action also gives the browsable API
    the right form for each."""

    input_serializers: dict[str, type[serializers.Serializer]] = {}

    def get_serializer_class(self):
        return self.input_serializers.get(self.action or "", self.serializer_class)

    def parse(self) -> dict:
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = ErrorCode.IF_MATCH_REQUIRED.value
    default_detail = _("修改须带 If-Match 请求头(取自该记录详情响应的 ETag)")


def with_etag(response: Response, obj: models.Model) -> Response:
    response["ETag"] = quote_etag(version_of(obj))
    return response


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=_(
        "该记录详情响应的 ETag。记录已被他人修改时返回 412(说明改了什么);"
        "不带此请求头则直接修改(除非服务器要求必须带)"
    ),
)


class VersionedRetrieveMixin(mixins.RetrieveModelMixin):
    """Optimistic concurrency (``parity.core.concurrency``) over HTTP: a record's detail
    carries its version as a strong ``ETag``; a write with ``If-Match`` is refused with 412
    if the record changed since. Without ``If-Match`` the write proceeds, unless the
    setting ``PARITY_API_REQUIRE_IF_MATCH`` demands it (428)."""

    # Mixed into a GenericViewSet, which has both.
    get_object: Callable[[], Any]
    get_serializer: Callable[..., serializers.BaseSerializer]

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return with_etag(Response(self.get_serializer(obj).data), obj)

    def expected_version(self) -> tuple[str, ...] | None:
        """The versions named by ``If-Match``, for an action's ``expected_version``."""
        header = self.request.headers.get("If-Match")  # type: ignore[attr-defined]
        if header is None:
            if settings.PARITY_API_REQUIRE_IF_MATCH:
                raise PreconditionRequired
            return None
        tags = parse_etags(header)
        if "*" in tags:
            return None
        # A proxy that compresses the response may weaken the ETag (W/"…"): the version
        # inside is still the record's, so it is compared all the same.
        return tuple(tag.removeprefix("W/").strip('"') for tag in tags) or ("",)


class ModelSerializer(serializers.ModelSerializer):
    """The API's model serializer. DRF drops ``allow_blank`` from read-only fields, so a
    choice field of a model with ``blank=True`` would be documented without the ""
    it can hold; here such fields keep it, and the schema lists "" among the values."""

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        allow_blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and kwargs.get("read_only") and "choices" in kwargs:
            kwargs["allow_blank"] = True
        return kwargs


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference by id to a record the requesting user may see; others do not exist."""

    def __init__(self, *, model, **kwargs):
        self.model = model
        # Only gives the schema its type: ``get_queryset`` is what validation uses.
        kwargs.setdefault("queryset", model.objects.none())
        kwargs.setdefault(
            "error_messages", {"does_not_exist": _("编号为 {pk_value} 的记录不存在或不在您的辖区")}
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.context["request"].user, "view")


class CodeField(serializers.SlugRelatedField):
    """A record named by its ``code``. A code holding a NUL character is refused before
    the lookup, which PostgreSQL would answer with an error (a 500)."""

    default_error_messages = {"invalid": _("代码含有不允许的字符")}

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        if "\x00" in str(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class AreaCodeField(serializers.SlugRelatedField):
    """An area named by its code (``150203001001001``); actions check level and scope."""

    default_error_messages = {ErrorCode.AREA_UNKNOWN.value: _("区划代码 {code} 不存在")}

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Area.objects.all(), **kwargs)

    def to_internal_value(self, data):
        try:
            code = params.area_code_value(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code=exc.code) from None
        area = Area.objects.filter(code=code).first()
        if area is None:
            self.fail(ErrorCode.AREA_UNKNOWN.value, code=code)
        return area


class ProviderField(serializers.PrimaryKeyRelatedField):
    """A department the user may name as provider: in their area or above it (a grid
    worker records what the street's health centre delivered)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Department.objects.none())
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("label", _("服务机构"))
        super().__init__(**kwargs)

    def get_queryset(self):
        return provider_departments(self.context["request"].user)


AREA = OpenApiParameter("area", OpenApiTypes.STR, description=_("区划代码(默认为本人辖区)"))
# The state of a pregnancy or a permit on a date.
STATE_ON = OpenApiParameter(
    "on", dt.date, description=str(_("计算状态的日期,默认今天")), required=False
)


def as_of(request) -> dt.date:
    """The ``?on=`` date, today if absent; a bad date is a 400 (``BadParameter``)."""
    return params.query_date(request.query_params)


def scope_area_code(request) -> str:
    """The asked-for ``?area=`` if in the user's scope (else 404), or the user's scope."""
    scope = scope_code(request.user, VIEW)
    if scope is None:
        raise exceptions.PermissionDenied
    code = params.query_area_code(request.query_params)
    if not code:
        return scope
    if not Area.objects.restrict(request.user, VIEW).filter(code=code).exists():
        raise Http404
    return code


class AreaBriefSerializer(ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "level"]
        read_only_fields = fields


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, label=_("字段"))
    code = serializers.CharField(label=_("错误代码"))
    message = serializers.CharField(label=_("说明"))


class ErrorsSerializer(serializers.Serializer):
    # Declared in get_fields: a class attribute named ``errors`` would hide Serializer.errors.
    def get_fields(self):
        return {"errors": ErrorItemSerializer(many=True)}


ERRORS = {
    400: OpenApiResponse(ErrorsSerializer, description=_("数据有误(逐字段列出错误代码)")),
    403: OpenApiResponse(ErrorsSerializer, description=_("无权执行此操作")),
    404: OpenApiResponse(ErrorsSerializer, description=_("记录不存在或不在您的辖区")),
    412: OpenApiResponse(
        ErrorsSerializer, description=_("记录已被他人修改(If-Match 不符),说明改了什么")
    ),
    428: OpenApiResponse(ErrorsSerializer, description=_("须带 If-Match 请求头")),
    409: OpenApiResponse(ErrorsSerializer, description=_("与现有记录冲突")),
    429: OpenApiResponse(ErrorsSerializer, description=_("操作过于频繁,请稍后再试")),
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}

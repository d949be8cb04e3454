"""Indicators over the API: the definitions, and an area's equalization table from the
cache (the same rows as the dashboard)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from parity.core.api.base import AREA, ModelSerializer, errors, scope_area_code
from parity.core.params import query_optional_date
from parity.indicators import selectors
from parity.indicators.models import Indicator

AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description=_("统计日期:取该日或之前最近一次计算结果(默认最新)")
)


class IndicatorSerializer(ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "code", "name", "name_en", "category", "description", "description_en", "unit",
            "period", "denominator", "numerator", "dimensions", "in_index", "builtin", "is_active",
        ]  # fmt: skip


class SideSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class EqualizationRowSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    name = serializers.CharField()
    in_index = serializers.BooleanField()
    floating = SideSerializer()
    registered = SideSerializer()
    gap = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text=_("户籍率 − 流动率(百分点)")
    )
    ratio = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


# One table per request, though served by a ``list`` action: not an array in the schema.
@extend_schema_serializer(many=False)
class EqualizationSerializer(serializers.Serializer):
    area = serializers.CharField()
    as_of = serializers.DateField()
    index = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text=_("均等化指数(0–100)")
    )
    rows = EqualizationRowSerializer(many=True)


@extend_schema_view(
    list=extend_schema(summary=_("均等化指标目录")),
    retrieve=extend_schema(
        summary=_("指标定义"), responses={200: IndicatorSerializer, **errors(404)}
    ),
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicator definitions (numerator and denominator as data)."""

    queryset = Indicator.objects.order_by("sort_order", "code")
    serializer_class = IndicatorSerializer
    lookup_field = "code"


class EqualizationViewSet(viewsets.GenericViewSet):
    """区域的均等化指标表:各指标流动人口与户籍人口的比率、差距和比值,及均等化指数。"""

    queryset = Indicator.objects.none()  # for the schema; rows come from the cache
    serializer_class = EqualizationSerializer
    pagination_class = None

    @extend_schema(
        summary=_("均等化指标表"),
        parameters=[AREA, AS_OF],
        responses={200: EqualizationSerializer, **errors(400, 403, 404)},
    )
    def list(self, request):
        code = scope_area_code(request) or _city_code()
        as_of = query_optional_date(request.query_params, "as_of")
        snapshot = selectors.latest_snapshot(as_of)
        if snapshot is None:
            raise Http404(_("尚未计算指标"))
        rows = selectors.equalization_table(snapshot, code)
        data = {
            "area": code,
            "as_of": snapshot.as_of,
            "index": selectors.equalization_index(rows),
            "rows": [
                {
                    "indicator": row.indicator.code,
                    "name": row.indicator.display_name,
                    "in_index": row.indicator.in_index,
                    "floating": {
                        "numerator": row.floating_num,
                        "denominator": row.floating_den,
                        "rate": row.floating_rate,
                    },  # fmt: skip
                    "registered": {
                        "numerator": row.registered_num,
                        "denominator": row.registered_den,
                        "rate": row.registered_rate,
                    },  # fmt: skip
                    "gap": row.gap,
                    "ratio": row.ratio,
                }
                for row in rows
            ],
        }
        return Response(EqualizationSerializer(data).data)


def _city_code() -> str:
    return settings.PARITY_CITY_CODE

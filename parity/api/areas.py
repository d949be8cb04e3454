"""Areas: the tree below the user's access node, read-only, addressed by code."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from parity.api.base import ModelSerializer, Pagination
from parity.areas.choices import Level
from parity.areas.models import Area


class AreaSerializer(ModelSerializer):
    # The metaclass pops declared fields, so this does not shadow Field.parent at runtime.
    parent: serializers.SlugRelatedField = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True, label=_("上级")
    )

    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent"]
        read_only_fields = fields


class AreaFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label=_("上级区划代码"))
    level = django_filters.TypedChoiceFilter(choices=Level.choices, coerce=int, label=_("层级"))
    within = django_filters.CharFilter(
        field_name="code", lookup_expr="startswith", label=_("区划代码(含下级)")
    )
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("名称"))

    class Meta:
        model = Area
        fields = ["parent", "level", "within", "q"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """区划:用户管辖区域及其下级(按代码访问)。"""

    queryset = Area.objects.none()
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    pagination_class = Pagination
    lookup_field = "code"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return Area.objects.restrict(self.request.user, "view").select_related("parent")

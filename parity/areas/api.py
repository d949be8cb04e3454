"""Areas: the tree below the user's access node, read-only, addressed by code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from parity.areas.filters import AreaFilterSet
from parity.areas.models import Area
from parity.core.api.base import ModelSerializer, Pagination


class AreaSerializer(ModelSerializer):
    # The metaclass pops declared fields, so this does not shadow Field.parent at runtime.
    parent: serializers.SlugRelatedField = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True, label=_("上级")
    )

    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent"]
        read_only_fields = fields


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

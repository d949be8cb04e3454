"""Dwellings: registered addresses, landlords, and how many people live there now."""

from __future__ import annotations

from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from parity.core.api.base import (
    IF_MATCH,
    ActionViewSet,
    AreaBriefSerializer,
    AreaCodeField,
    ModelSerializer,
    Pagination,
    ScopedPrimaryKeyField,
    VersionedRetrieveMixin,
    errors,
    with_etag,
)
from parity.core.sql import SubqueryCount
from parity.housing import actions
from parity.housing.filters import DwellingFilterSet
from parity.housing.models import Dwelling
from parity.people.api.persons import PersonBriefSerializer
from parity.people.choices import HousingType, LandlordKind
from parity.people.models import Person, Residence


class DwellingSerializer(ModelSerializer):
    grid = AreaBriefSerializer(read_only=True)
    landlord_person = PersonBriefSerializer(read_only=True, allow_null=True)
    resident_count = serializers.IntegerField(read_only=True, label=_("在住人数"))

    class Meta:
        model = Dwelling
        fields = [
            "id",
            "address",
            "grid",
            "area_code",
            "dwelling_type",
            "is_let",
            "landlord_kind",
            "landlord_person",
            "landlord_name",
            "landlord_phone_masked",
            "resident_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DwellingUpdateSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=200, required=False, label=_("地址"))
    dwelling_type = serializers.ChoiceField(
        choices=HousingType.choices, required=False, label=_("房屋类型")
    )
    is_let = serializers.BooleanField(required=False, label=_("是否出租"))
    landlord_kind = serializers.ChoiceField(
        choices=LandlordKind.choices, required=False, allow_blank=True, label=_("房东类型")
    )
    landlord_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, label=_("房东/单位名称")
    )
    landlord_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, write_only=True, label=_("房东电话")
    )
    landlord_person = ScopedPrimaryKeyField(
        model=Person, required=False, allow_null=True, label=_("房东(个人)")
    )


class DwellingRegisterSerializer(DwellingUpdateSerializer):
    address = serializers.CharField(max_length=200, label=_("地址"))
    grid = AreaCodeField(label=_("网格代码"))
    dwelling_type = serializers.ChoiceField(choices=HousingType.choices, label=_("房屋类型"))


@extend_schema_view(
    list=extend_schema(summary=_("房屋列表")),
    retrieve=extend_schema(
        summary=_("房屋详情"), responses={200: DwellingSerializer, **errors(404)}
    ),
)
class DwellingViewSet(mixins.ListModelMixin, VersionedRetrieveMixin, ActionViewSet):
    """房屋(出租房屋与房东);房东电话只显示脱敏值。"""

    queryset = Dwelling.objects.none()
    serializer_class = DwellingSerializer
    input_serializers = {
        "create": DwellingRegisterSerializer,
        "partial_update": DwellingUpdateSerializer,
    }
    filterset_class = DwellingFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return (
            Dwelling.objects.restrict(self.request.user, "view")
            .select_related("grid", "landlord_person")
            .annotate(
                resident_count=SubqueryCount(
                    Residence.objects.filter(dwelling=OuterRef("pk"), departed_on__isnull=True)
                )
            )
            # The page order, the index scan a page of the city reads.
            .order_by("area_code", "address", "id")
        )

    def _render(self, dwelling: Dwelling, code: int = status.HTTP_200_OK) -> Response:
        dwelling = self.get_queryset().get(pk=dwelling.pk)
        return Response(DwellingSerializer(dwelling).data, code)

    @extend_schema(
        summary=_("登记房屋"),
        request=DwellingRegisterSerializer,
        responses={201: DwellingSerializer, **errors(400, 403)},
    )
    def create(self, request):
        data = self.parse()
        dwelling = actions.dwelling_register(acting_user=request.user, **data)
        return self._render(dwelling, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改房屋信息"),
        request=DwellingUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: DwellingSerializer, **errors(400, 403, 404, 412, 428)},
    )
    def partial_update(self, request, pk=None):
        dwelling = self.get_object()
        expected = self.expected_version()
        data = self.parse()
        dwelling = actions.dwelling_update(
            acting_user=request.user, dwelling=dwelling, expected_version=expected, **data
        )
        return with_etag(self._render(dwelling), dwelling)

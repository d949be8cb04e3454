"""Households (with their members) and employment records."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from parity.core.api.base import (
    ActionViewSet,
    ModelSerializer,
    Pagination,
    ScopedPrimaryKeyField,
    errors,
)
from parity.people import actions
from parity.people.api.persons import PersonBriefSerializer
from parity.people.choices import Industry, Relation
from parity.people.filters import EmploymentFilterSet, HouseholdFilterSet
from parity.people.models import Employment, Household, HouseholdMember, Person

# --- households ----------------------------------------------------------------------------


class HouseholdMemberSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)

    class Meta:
        model = HouseholdMember
        fields = ["person", "relation"]
        read_only_fields = fields


class HouseholdSerializer(ModelSerializer):
    head = PersonBriefSerializer(read_only=True, allow_null=True)
    members = HouseholdMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = ["id", "head", "address", "area_code", "members", "created_at"]
        read_only_fields = fields


class HouseholdCreateSerializer(serializers.Serializer):
    head = ScopedPrimaryKeyField(model=Person, label=_("户主"))
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, label=_("住址")
    )


class HouseholdAddMemberSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyField(model=Person, label=_("成员"))
    relation = serializers.ChoiceField(
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD], label=_("与户主关系")
    )


@extend_schema_view(
    list=extend_schema(summary=_("家庭户列表")),
    retrieve=extend_schema(summary=_("家庭户详情")),
)
class HouseholdViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """家庭户及其成员。"""

    queryset = Household.objects.none()
    serializer_class = HouseholdSerializer
    input_serializers = {
        "create": HouseholdCreateSerializer,
        "add_member": HouseholdAddMemberSerializer,
    }
    filterset_class = HouseholdFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        members = HouseholdMember.objects.select_related("person").order_by("id")
        return (
            Household.objects.restrict(self.request.user, "view")
            .select_related("head")
            .prefetch_related(Prefetch("members", queryset=members))
        )

    def _render(self, household: Household, code: int) -> Response:
        household = self.get_queryset().get(pk=household.pk)
        return Response(HouseholdSerializer(household).data, code)

    @extend_schema(
        summary=_("新建家庭户"),
        request=HouseholdCreateSerializer,
        responses={201: HouseholdSerializer, **errors(400, 403)},
    )
    def create(self, request):
        data = self.parse()
        household = actions.household_create(acting_user=request.user, **data)
        return self._render(household, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("添加家庭成员"),
        request=HouseholdAddMemberSerializer,
        responses={201: HouseholdSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="add-member")
    def add_member(self, request, pk=None):
        household = self.get_object()
        data = self.parse()
        actions.household_add_member(acting_user=request.user, household=household, **data)
        return self._render(household, status.HTTP_201_CREATED)


# --- employment ----------------------------------------------------------------------------


class EmploymentSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)

    class Meta:
        model = Employment
        fields = [
            "id",
            "person",
            "industry",
            "occupation",
            "employer",
            "started_on",
            "ended_on",
            "area_code",
            "created_at",
        ]
        read_only_fields = fields


class EmploymentRecordSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyField(model=Person, label=_("人员"))
    industry = serializers.ChoiceField(choices=Industry.choices, label=_("行业"))
    occupation = serializers.CharField(
        max_length=100, required=False, allow_blank=True, label=_("职业")
    )
    employer = serializers.CharField(
        max_length=200, required=False, allow_blank=True, label=_("工作单位")
    )
    started_on = serializers.DateField(required=False, allow_null=True, label=_("开始日期"))
    ended_on = serializers.DateField(required=False, allow_null=True, label=_("结束日期"))


@extend_schema_view(list=extend_schema(summary=_("就业信息列表")))
class EmploymentViewSet(mixins.ListModelMixin, ActionViewSet):
    """就业信息(行业按 GB/T 4754 门类)。"""

    queryset = Employment.objects.none()
    serializer_class = EmploymentSerializer
    input_serializers = {
        "create": EmploymentRecordSerializer,
    }
    filterset_class = EmploymentFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return Employment.objects.restrict(self.request.user, "view").select_related("person")

    @extend_schema(
        summary=_("登记就业信息"),
        request=EmploymentRecordSerializer,
        responses={201: EmploymentSerializer, **errors(400, 403)},
    )
    def create(self, request):
        data = self.parse()
        employment = actions.employment_record(acting_user=request.user, **data)
        employment = self.get_queryset().get(pk=employment.pk)
        return Response(EmploymentSerializer(employment).data, status.HTTP_201_CREATED)

"""Public services: the catalog, service events, home visits, entitlements, the work list,
key groups and coverage. Reads start from ``.restrict(user, "view")`` and an area must be
in the user's scope (else 404); writes are one call to ``parity.services.actions``."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parity.accounts.permissions import VIEW, scope_code
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.api.base import (
    AREA,
    ActionViewSet,
    CodeField,
    ModelSerializer,
    Pagination,
    ProviderField,
    ScopedPrimaryKeyField,
    as_of,
    errors,
    scope_area_code,
)
from parity.core.error_codes import ErrorCode
from parity.core.params import query_id
from parity.people.api.persons import PersonBriefSerializer
from parity.people.models import Person
from parity.services import actions
from parity.services.choices import Outcome, VisitOutcome
from parity.services.describe import delivery_text, rule_text
from parity.services.filters import ServiceEventFilterSet, VisitFilterSet
from parity.services.keygroups import KEY_GROUPS, work_list
from parity.services.models import EligibilityRule, ServiceEvent, ServiceType, Visit
from parity.services.selectors import (
    coverage_snapshot,
    group_counts,
    group_members,
    person_entitlements,
    snapshot_coverage,
)
from parity.services.worklist_rows import person_rows

# --- serializers -------------------------------------------------------------------------


class RuleSerializer(ModelSerializer):
    text = serializers.SerializerMethodField(label=_("资格条件(文字)"))

    class Meta:
        model = EligibilityRule
        fields = ["effective_from", "rule", "text", "note"]
        read_only_fields = fields

    def get_text(self, rule: EligibilityRule) -> str:
        return rule_text(rule.rule)


class ServiceTypeSerializer(ModelSerializer):
    rules = RuleSerializer(many=True, read_only=True)
    delivery = serializers.SerializerMethodField(label=_("完成判定(文字)"))

    class Meta:
        model = ServiceType
        fields = [
            "code",
            "name",
            "name_en",
            "category",
            "department_kind",
            "description",
            "validity_days",
            "required_count",
            "delivered_by",
            "on_demand",
            "details_schema",
            "is_active",
            "delivery",
            "rules",
        ]
        read_only_fields = fields

    def get_delivery(self, service: ServiceType) -> str:
        return delivery_text(service)


class ServiceBriefSerializer(ModelSerializer):
    class Meta:
        model = ServiceType
        fields = ["code", "name"]
        read_only_fields = fields


class ServiceEventSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    service_type = ServiceBriefSerializer(read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True, default="")

    class Meta:
        model = ServiceEvent
        fields = [
            "id",
            "person",
            "service_type",
            "date",
            "provider",
            "provider_name",
            "outcome",
            "details",
            "note",
            "area_code",
            "created_at",
        ]
        read_only_fields = fields


class ServiceEventCreateSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyField(model=Person, label=_("人员"))
    service_type = CodeField(queryset=ServiceType.objects.all(), label=_("服务项目代码"))
    date = serializers.DateField(label=_("服务日期"))
    provider = ProviderField()
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, default=Outcome.COMPLETED, label=_("结果")
    )
    details = serializers.DictField(required=False, default=dict, label=_("明细"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("备注"))


class VisitSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    visitor = serializers.CharField(source="visitor.username", read_only=True, default="")

    class Meta:
        model = Visit
        fields = ["id", "person", "visited_on", "outcome", "note", "visitor", "area_code"]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyField(model=Person, label=_("人员"))
    visited_on = serializers.DateField(label=_("走访日期"))
    outcome = serializers.ChoiceField(choices=VisitOutcome.choices, label=_("走访结果"))
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, label=_("情况记录")
    )


class EntitlementSerializer(serializers.Serializer):
    service = ServiceBriefSerializer()
    eligible = serializers.BooleanField()
    delivered = serializers.BooleanField()
    missing = serializers.BooleanField()


class WorkItemSerializer(serializers.Serializer):
    group = serializers.CharField(source="item.group.code")
    label = serializers.CharField(source="item.group.label")  # type: ignore[assignment]
    since = serializers.DateField(source="item.since", allow_null=True)
    days_waiting = serializers.IntegerField(source="days", allow_null=True)
    detail = serializers.CharField(source="item.detail")


class WorkPersonSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    name = serializers.CharField()
    id_masked = serializers.CharField()
    items = WorkItemSerializer(many=True)


class KeyGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    urgency = serializers.IntegerField()
    on_worklist = serializers.BooleanField()
    count = serializers.IntegerField(
        allow_null=True, help_text=_("人数;计数超过时限时为 null(打开名单查看)")
    )


class MemberSerializer(PersonBriefSerializer):
    since = serializers.DateField(allow_null=True, read_only=True)
    detail = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    area_code = serializers.CharField(read_only=True)

    class Meta(PersonBriefSerializer.Meta):
        fields = ["id", "name", "id_masked", "status", "area_code", "since", "detail"]
        read_only_fields = fields


class CoverageGroupSerializer(serializers.Serializer):
    eligible = serializers.IntegerField()
    delivered = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class CoverageSerializer(serializers.Serializer):
    service = ServiceBriefSerializer()
    floating = CoverageGroupSerializer()
    registered = CoverageGroupSerializer()
    gap = serializers.FloatField(allow_null=True)
    as_of = serializers.DateField(help_text=_("数字的统计日期:所给日期当天或之前最近一次指标计算"))


# --- parameters ----------------------------------------------------------------------------

ON = OpenApiParameter("on", OpenApiTypes.DATE, description=_("日期(默认为今天)"))


def _people(request, code: str):
    people = Person.objects.restrict(request.user, VIEW)
    return people.in_area(code) if code else people


# --- views ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("服务项目目录")),
    retrieve=extend_schema(
        summary=_("服务项目详情"), responses={200: ServiceTypeSerializer, **errors(404)}
    ),
)
class ServiceTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """服务项目及其资格条件(只读)。"""

    queryset = ServiceType.objects.none()
    serializer_class = ServiceTypeSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        if scope_code(self.request.user, VIEW) is None:
            return ServiceType.objects.none()
        return ServiceType.objects.prefetch_related("rules")


@extend_schema_view(
    list=extend_schema(summary=_("服务记录列表")),
    retrieve=extend_schema(
        summary=_("服务记录详情"), responses={200: ServiceEventSerializer, **errors(404)}
    ),
)
class ServiceEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """服务记录:列表、详情和新增(新增时按服务项目的明细字段校验)。"""

    queryset = ServiceEvent.objects.none()
    serializer_class = ServiceEventSerializer
    input_serializers = {"create": ServiceEventCreateSerializer}
    filterset_class = ServiceEventFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return ServiceEvent.objects.restrict(self.request.user, VIEW).select_related(
            "person", "service_type", "provider"
        )

    @extend_schema(
        summary=_("记录一次服务"),
        request=ServiceEventCreateSerializer,
        responses={201: ServiceEventSerializer, **errors(400, 403)},
    )
    def create(self, request):
        data = self.parse()
        event = actions.service_record(acting_user=request.user, **data)
        event = self.get_queryset().get(pk=event.pk)
        return Response(ServiceEventSerializer(event).data, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("入户走访列表")),
    retrieve=extend_schema(
        summary=_("入户走访详情"), responses={200: VisitSerializer, **errors(404)}
    ),
)
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """入户走访:列表、详情和新增。"""

    queryset = Visit.objects.none()
    serializer_class = VisitSerializer
    input_serializers = {"create": VisitCreateSerializer}
    filterset_class = VisitFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return Visit.objects.restrict(self.request.user, VIEW).select_related("person", "visitor")

    @extend_schema(
        summary=_("记录一次入户走访"),
        request=VisitCreateSerializer,
        responses={201: VisitSerializer, **errors(400, 403)},
    )
    def create(self, request):
        data = self.parse()
        visit = actions.visit_record(acting_user=request.user, **data)
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(VisitSerializer(visit).data, status.HTTP_201_CREATED)


class EntitlementViewSet(viewsets.GenericViewSet):
    """一个人在某日应享、已享和缺失的服务。"""

    queryset = Person.objects.none()  # for the schema; rows come from selectors
    serializer_class = EntitlementSerializer
    pagination_class = None

    @extend_schema(
        summary=_("人员应享服务"),
        parameters=[
            OpenApiParameter("person", OpenApiTypes.INT, required=True, description=_("人员编号")),
            ON,
        ],
        responses={200: EntitlementSerializer(many=True), **errors(400, 404)},
    )
    def list(self, request):
        person_id = query_id(request.query_params, "person")
        if person_id is None:
            raise ValidationError({"person": [_("请提供人员编号")]}, code="required")
        person = get_object_or_404(Person.objects.restrict(request.user, VIEW), pk=person_id)
        rows = person_entitlements(person, as_of(request))
        data = [
            {
                "service": e.service,
                "eligible": e.eligible,
                "delivered": e.delivered,
                "missing": e.missing,
            }
            for e in rows
        ]
        return Response(EntitlementSerializer(data, many=True).data)


class WorkListViewSet(viewsets.GenericViewSet):
    """区域(通常是一个网格)的工作清单:按人员汇总,最紧急的在前。"""

    queryset = Person.objects.none()  # for the schema; rows come from selectors
    serializer_class = WorkPersonSerializer
    pagination_class = Pagination

    @extend_schema(
        summary=_("工作清单"),
        parameters=[AREA, ON],
        responses={200: WorkPersonSerializer(many=True), **errors(400, 403, 404)},
    )
    def list(self, request):
        code, on = scope_area_code(request), as_of(request)
        if not Area.objects.filter(code=code, level__gte=Level.COMMUNITY).exists():
            # As on the web page: a street's or a district's list is too long to work
            # through, and building it would hold a connection for minutes at scale.
            raise ValidationError(
                {"area": [_("工作清单按社区或网格查看:请用 area 参数指定一个社区或网格的代码。")]},
                code=ErrorCode.AREA_TOO_WIDE,
            )
        rows = person_rows(work_list(code, on))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(WorkPersonSerializer(page, many=True).data)


class KeyGroupViewSet(viewsets.GenericViewSet):
    """重点对象类别及其在本人辖区的人数和名单。"""

    queryset = Person.objects.none()  # for the schema; rows come from selectors
    serializer_class = KeyGroupSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"

    @property
    def pagination_class(self):  # type: ignore[override]
        # The few groups come whole; only a group's members are paged (the schema follows).
        return None if self.action == "list" else Pagination

    @extend_schema(
        summary=_("重点对象类别"),
        parameters=[AREA, ON],
        responses={200: KeyGroupSerializer(many=True), **errors(403, 404)},
    )
    def list(self, request):
        code = scope_area_code(request)
        on = as_of(request)
        counts = group_counts(on, area_code=code)
        data = [
            {
                "code": name,
                "label": str(group.label),
                "description": str(group.description),
                "urgency": group.urgency,
                "on_worklist": group.on_worklist,
                "count": counts[name],
            }
            for name, group in KEY_GROUPS.items()
        ]
        return Response(KeyGroupSerializer(data, many=True).data)

    @extend_schema(
        summary=_("重点对象名单"),
        parameters=[AREA, ON],
        responses={200: MemberSerializer(many=True), **errors(403, 404)},
    )
    @action(detail=True, methods=["get"], serializer_class=MemberSerializer)
    def members(self, request, code=None):
        if code not in KEY_GROUPS:
            raise Http404
        rows = group_members(code, as_of(request), area_code=scope_area_code(request))
        rows = rows.order_by("since", "area_code", "id")  # type: ignore[misc]  # annotated
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MemberSerializer(page, many=True).data)


class CoverageViewSet(viewsets.GenericViewSet):
    """区域内各服务项目的覆盖情况:流动人口与户籍人口对照,差距为百分点。"""

    queryset = ServiceType.objects.none()  # for the schema; rows come from selectors
    serializer_class = CoverageSerializer
    pagination_class = None

    @extend_schema(
        summary=_("服务覆盖情况"),
        parameters=[AREA, ON],
        responses={200: CoverageSerializer(many=True), **errors(400, 403, 404)},
    )
    def list(self, request):
        """Read from the newest indicator snapshot on or before ``on`` (the dashboard's
        figures); an empty list before the first computation."""
        root = Area.objects.root()
        code = scope_area_code(request) or (root.code if root else "")
        snapshot = coverage_snapshot(as_of(request))
        rows = snapshot_coverage(snapshot, code) if snapshot and code else []
        data = [
            {
                "service": row.service,
                "floating": {
                    "eligible": row.floating_eligible,
                    "delivered": row.floating_delivered,
                    "rate": row.floating_rate,
                },
                "registered": {
                    "eligible": row.registered_eligible,
                    "delivered": row.registered_delivered,
                    "rate": row.registered_rate,
                },
                "gap": row.gap,
                "as_of": snapshot.as_of if snapshot else None,
            }
            for row in rows
        ]
        return Response(CoverageSerializer(data, many=True).data)

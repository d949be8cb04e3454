"""Immunization: vaccinations (list, create through the action), a child's schedule, campaigns
with their coverage, and children overdue for a vaccine. Reads start from
``.restrict(user, "view")``; recording checks "serve" in the child's area and audits."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parity.accounts.choices import HEALTH_SITE_KINDS
from parity.accounts.models import Department
from parity.areas.models import Area
from parity.core.api.base import (
    ActionViewSet,
    AreaBriefSerializer,
    CodeField,
    ModelSerializer,
    Pagination,
    ScopedPrimaryKeyField,
    as_of,
    errors,
)
from parity.core.params import path_id, query_area_code, query_id
from parity.immunization import actions
from parity.immunization.choices import DoseStatus, InjectionSite, Route
from parity.immunization.filters import OverdueFilterSet, VaccinationFilterSet
from parity.immunization.models import Campaign, CampaignTarget, VaccinationRecord, Vaccine
from parity.immunization.selectors import (
    campaign_coverage,
    child_schedule,
    children_for_rows,
    children_overdue,
    children_overdue_rows,
)
from parity.people.api.persons import PersonBriefSerializer
from parity.people.models import Person

# --- serializers -------------------------------------------------------------------------


class VaccinationSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    vaccine: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, label=_("疫苗")
    )
    vaccine_name = serializers.CharField(source="vaccine.name", read_only=True, label=_("疫苗名称"))
    site_name = serializers.CharField(
        source="site.name", read_only=True, allow_null=True, default=None, label=_("接种单位")
    )
    round = serializers.IntegerField(
        source="round.number", read_only=True, allow_null=True, default=None, label=_("轮次")
    )

    class Meta:
        model = VaccinationRecord
        fields = [
            "id",
            "person",
            "vaccine",
            "vaccine_name",
            "dose",
            "date",
            "site",
            "site_name",
            "batch_number",
            "manufacturer",
            "route",
            "injection_site",
            "vaccinator",
            "campaign",
            "round",
            "event",
            "area_code",
            "created_at",
        ]
        read_only_fields = fields


class VaccinationCreateSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyField(model=Person, label=_("受种者"))
    vaccine = CodeField(queryset=Vaccine.objects.all(), label=_("疫苗代码"))
    dose = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        label=_("剂次"),
        help_text=_("强化免疫活动中可不填:自动计入儿童尚缺的程序剂次,否则记为活动加强剂次"),
    )
    date = serializers.DateField(label=_("接种日期"))
    site = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(kind__in=HEALTH_SITE_KINDS),
        required=False,
        allow_null=True,
        label=_("接种单位"),
    )
    campaign = ScopedPrimaryKeyField(
        model=Campaign, required=False, allow_null=True, label=_("强化免疫活动")
    )
    # 预防接种工作规范: checked by immunization.rules, as on the page.
    batch_number = serializers.CharField(
        required=False, allow_blank=True, max_length=30, label=_("疫苗批号")
    )
    manufacturer = serializers.CharField(
        required=False, allow_blank=True, max_length=100, label=_("生产企业")
    )
    route = serializers.ChoiceField(
        choices=Route.choices, required=False, allow_blank=True, label=_("接种途径")
    )
    injection_site = serializers.ChoiceField(
        choices=InjectionSite.choices, required=False, allow_blank=True, label=_("接种部位")
    )
    vaccinator = serializers.CharField(
        required=False, allow_blank=True, max_length=50, label=_("接种人员")
    )


class GivenSerializer(serializers.Serializer):
    vaccine = serializers.CharField(label=_("疫苗代码"))
    dose = serializers.IntegerField(allow_null=True, label=_("剂次"))
    date = serializers.DateField(label=_("接种日期"))


class PendingSerializer(serializers.Serializer):
    series = serializers.CharField(source="pending.series", label=_("程序系列"))
    vaccine = serializers.CharField(source="pending.vaccine", label=_("疫苗代码"))
    vaccine_name = serializers.CharField(source="vaccine.name", label=_("疫苗名称"))
    dose = serializers.IntegerField(source="pending.dose", label=_("剂次"))
    dose_status = serializers.ChoiceField(
        source="status", choices=DoseStatus.choices, label=_("状态")
    )
    due_on = serializers.DateField(source="pending.due_on", label=_("应种日期"))
    earliest_on = serializers.DateField(source="pending.earliest_on", label=_("最早可种日期"))
    overdue_on = serializers.DateField(source="pending.overdue_on", label=_("逾期日期"))
    skin_test = serializers.BooleanField(source="pending.skin_test", label=_("需先皮试"))


class ScheduleSerializer(serializers.Serializer):
    person = PersonBriefSerializer()
    on = serializers.DateField(label=_("计算日期"))
    edition = serializers.CharField(source="result.edition.name", label=_("免疫程序版本"))
    given = GivenSerializer(source="result.given", many=True)
    pending = PendingSerializer(many=True)


class CampaignRoundSerializer(serializers.Serializer):
    number = serializers.IntegerField(label=_("轮次"))
    start_on = serializers.DateField(label=_("开始日期"))
    end_on = serializers.DateField(label=_("结束日期"))


class CampaignSerializer(ModelSerializer):
    vaccine: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, label=_("疫苗")
    )
    area = AreaBriefSerializer(read_only=True)
    rounds = CampaignRoundSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "vaccine", "area", "rule", "note", "rounds", "created_at"]
        read_only_fields = fields


class CampaignCoverageRowSerializer(serializers.Serializer):
    code = serializers.CharField(label=_("区划代码"))
    name = serializers.CharField(label=_("区划名称"))
    targets = serializers.IntegerField(label=_("应种"))
    vaccinated = serializers.IntegerField(label=_("实种"))
    coverage = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, label=_("接种率(%)")
    )


class CampaignCoverageSerializer(serializers.Serializer):
    rows = CampaignCoverageRowSerializer(many=True)
    total = CampaignCoverageRowSerializer()


class OverdueChildSerializer(ModelSerializer):
    overdue_since = serializers.DateField(read_only=True, label=_("最早逾期日期"))
    overdue_count = serializers.IntegerField(read_only=True, label=_("逾期剂次数"))

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_masked",
            "birth_date",
            "status",
            "area_code",
            "overdue_since",
            "overdue_count",
        ]
        read_only_fields = fields


# --- filters -----------------------------------------------------------------------------


ON = OpenApiParameter(
    "on", OpenApiTypes.DATE, description=str(_("计算日期,默认今天")), required=False
)


# --- views -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("接种记录列表")),
    retrieve=extend_schema(
        summary=_("接种记录详情"), responses={200: VaccinationSerializer, **errors(404)}
    ),
)
class VaccinationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """接种记录:每条同时是一条“预防接种”服务记录。"""

    queryset = VaccinationRecord.objects.none()
    serializer_class = VaccinationSerializer
    input_serializers = {"create": VaccinationCreateSerializer}
    filterset_class = VaccinationFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return (
            VaccinationRecord.objects.restrict(self.request.user, "view")
            .select_related("person", "vaccine", "site", "round")
            .order_by("-date", "-id")
        )

    @extend_schema(
        summary=_("记录接种"),
        request=VaccinationCreateSerializer,
        responses={201: VaccinationSerializer, **errors(400, 403)},
    )
    def create(self, request):
        data = self.parse()
        record = actions.vaccination_record(acting_user=request.user, **data)
        record = self.get_queryset().get(pk=record.pk)
        return Response(VaccinationSerializer(record).data, status.HTTP_201_CREATED)


class ImmunizationScheduleViewSet(viewsets.GenericViewSet):
    """儿童免疫程序:已种、应种、逾期及每个下一剂的最早可种日期。"""

    queryset = Person.objects.none()
    serializer_class = ScheduleSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return Person.objects.restrict(self.request.user, "view")

    @extend_schema(
        summary=_("儿童免疫程序"),
        parameters=[ON],
        responses={200: ScheduleSerializer, **errors(400, 404)},
    )
    def retrieve(self, request, pk=None):
        person = get_object_or_404(self.get_queryset(), pk=path_id(pk))
        view = child_schedule(person, as_of(request))
        return Response(ScheduleSerializer(view).data)


@extend_schema_view(
    list=extend_schema(summary=_("强化免疫活动列表")),
    retrieve=extend_schema(
        summary=_("强化免疫活动详情"), responses={200: CampaignSerializer, **errors(404)}
    ),
)
class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """强化免疫活动:轮次、目标人群条件,以及按区划的接种率(实种/应种)。"""

    queryset = Campaign.objects.none()
    serializer_class = CampaignSerializer
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return (
            Campaign.objects.restrict(self.request.user, "view")
            .select_related("vaccine", "area")
            .prefetch_related("rounds")
        )

    @extend_schema(
        summary=_("接种率(按下级区划)"),
        parameters=[
            OpenApiParameter("area", str, description=str(_("区划代码,默认活动区域"))),
            OpenApiParameter("round", int, description=str(_("轮次,默认各轮合计"))),
        ],
        responses={200: CampaignCoverageSerializer, **errors(404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def coverage(self, request, pk=None):
        campaign = self.get_object()
        code = query_area_code(request.query_params) or ""
        area: Area | None
        if code:
            area = get_object_or_404(
                Area.objects.restrict(request.user, "view").filter(
                    code__startswith=campaign.area_code
                ),
                code=code,
            )
        else:
            user_area = request.user.area if not request.user.is_superuser else None
            inside = user_area is not None and user_area.code.startswith(campaign.area_code)
            area = user_area if inside else campaign.area
        number = query_id(request.query_params, "round")
        rows, total = campaign_coverage(
            campaign,
            area,
            round_number=number,
            queryset=CampaignTarget.objects.restrict(request.user, "view"),
        )
        return Response(CampaignCoverageSerializer({"rows": rows, "total": total}).data)


@extend_schema_view(list=extend_schema(summary=_("逾期未种儿童"), parameters=[ON]))
class OverdueChildViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """逾期未种儿童(重点对象),按夜间刷新的待种剂次表计算。"""

    queryset = Person.objects.none()
    serializer_class = OverdueChildSerializer
    filterset_class = OverdueFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        people = Person.objects.restrict(self.request.user, "view")
        return children_overdue(as_of(self.request), people=people)

    def list(self, request, *args, **kwargs):
        # The narrow rows are paged, then the page's children read by id (as the web list).
        people = self.filter_queryset(Person.objects.restrict(request.user, "view"))
        rows = children_overdue_rows(as_of(request), people=people)
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]  # sliced and counted as one
        if page is None:
            return Response(self.get_serializer(children_for_rows(rows), many=True).data)
        children = children_for_rows(page)
        return self.get_paginated_response(self.get_serializer(children, many=True).data)

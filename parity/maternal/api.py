"""Pregnancies (with their visits) and child health checks. Reads start from
``.restrict(user, "view")``; every write is one call to an action in
``parity.maternal.actions``, which checks "serve", records the service event and audits."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from parity.core.api.base import (
    STATE_ON,
    ActionViewSet,
    ModelSerializer,
    Pagination,
    ProviderField,
    ScopedPrimaryKeyField,
    as_of,
    errors,
)
from parity.maternal import actions, schedule
from parity.maternal.choices import (
    BirthOutcome,
    DeliveryPlace,
    EndReason,
    PostpartumKind,
)
from parity.maternal.filters import ChildCheckFilterSet, PregnancyFilterSet
from parity.maternal.models import AntenatalVisit, ChildHealthCheck, PostpartumVisit, Pregnancy
from parity.people.api.persons import PersonBriefSerializer
from parity.people.models import Person
from parity.services.choices import Outcome

# --- serializers -------------------------------------------------------------------------


class ItemSerializer(serializers.Serializer):
    point = serializers.CharField(label=_("项目代码"))
    label = serializers.CharField(label=_("项目"))  # type: ignore[assignment]
    opens_on = serializers.DateField(label=_("时限开始"))
    closes_on = serializers.DateField(label=_("时限截止"))
    state = serializers.CharField(label=_("状态"))
    done_on = serializers.DateField(allow_null=True, label=_("完成日期"))
    late = serializers.BooleanField(label=_("补做/超时"))


class AntenatalVisitSerializer(ModelSerializer):
    class Meta:
        model = AntenatalVisit
        fields = ["id", "date", "gestational_week", "point", "late", "event"]
        read_only_fields = fields


class PostpartumVisitSerializer(ModelSerializer):
    class Meta:
        model = PostpartumVisit
        fields = ["id", "kind", "date", "completed", "late", "event"]
        read_only_fields = fields


class PregnancySerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    expected_delivery_on = serializers.DateField(read_only=True, label=_("预产期"))
    visits = AntenatalVisitSerializer(many=True, read_only=True)
    postpartum_visits = PostpartumVisitSerializer(many=True, read_only=True)
    schedule = serializers.SerializerMethodField(label=_("检查时间表"))

    class Meta:
        model = Pregnancy
        fields = [
            "id",
            "person",
            "registered_on",
            "lmp",
            "expected_delivery_on",
            "status",
            "delivered_on",
            "discharged_on",
            "place",
            "hospital",
            "outcome",
            "child",
            "ended_on",
            "end_reason",
            "note",
            "area_code",
            "visits",
            "postpartum_visits",
            "schedule",
        ]
        read_only_fields = fields

    @extend_schema_field(ItemSerializer(many=True))
    def get_schedule(self, pregnancy: Pregnancy) -> list:
        on = self.context.get("on") or timezone.localdate()
        visits, postpartum = pregnancy.visits.all(), pregnancy.postpartum_visits.all()
        items = schedule.antenatal_items(pregnancy, visits, on) + schedule.postpartum_items(
            pregnancy, postpartum, on
        )
        return list(ItemSerializer(items, many=True).data)


class PregnancyRegisterSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyField(model=Person, label=_("孕产妇"))
    lmp = serializers.DateField(label=_("末次月经"))
    registered_on = serializers.DateField(required=False, allow_null=True, label=_("建册日期"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class VisitRecordSerializer(serializers.Serializer):
    date = serializers.DateField(label=_("日期"))
    provider = ProviderField()
    outcome = serializers.ChoiceField(choices=Outcome.choices, default=Outcome.COMPLETED)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PostpartumRecordSerializer(VisitRecordSerializer):
    kind = serializers.ChoiceField(choices=PostpartumKind.choices, label=_("类别"))


class DeliverySerializer(serializers.Serializer):
    delivered_on = serializers.DateField(label=_("分娩日期"))
    place = serializers.ChoiceField(choices=DeliveryPlace.choices, label=_("分娩地点"))
    hospital = serializers.CharField(max_length=100, required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=BirthOutcome.choices, label=_("妊娠结局"))
    discharged_on = serializers.DateField(required=False, allow_null=True, label=_("出院日期"))
    child = ScopedPrimaryKeyField(model=Person, required=False, allow_null=True, label=_("新生儿"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PregnancyEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(label=_("终止日期"))
    reason = serializers.ChoiceField(choices=EndReason.choices, label=_("终止原因"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ChildCheckSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)

    class Meta:
        model = ChildHealthCheck
        fields = ["id", "person", "date", "point", "late", "event", "area_code"]
        read_only_fields = fields


class ChildCheckRecordSerializer(VisitRecordSerializer):
    child = ScopedPrimaryKeyField(model=Person, label=_("儿童"))


# --- views ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("孕产期列表"), parameters=[STATE_ON]),
    retrieve=extend_schema(
        summary=_("孕产期详情"),
        parameters=[STATE_ON],
        responses={200: PregnancySerializer, **errors(404)},
    ),
)
class PregnancyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """孕产期:建册、产前检查、分娩、终止、产后访视;含按日期计算的检查时间表。"""

    queryset = Pregnancy.objects.none()
    serializer_class = PregnancySerializer
    input_serializers = {
        "create": PregnancyRegisterSerializer,
        "visits": VisitRecordSerializer,
        "deliver": DeliverySerializer,
        "end": PregnancyEndSerializer,
        "postpartum": PostpartumRecordSerializer,
    }
    filterset_class = PregnancyFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return (
            Pregnancy.objects.restrict(self.request.user, "view")
            .select_related("person")
            .prefetch_related("visits", "postpartum_visits")
            .order_by("-lmp", "-id")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on": as_of(self.request)}

    def _render(self, pregnancy: Pregnancy, code: int = status.HTTP_200_OK) -> Response:
        pregnancy = self.get_queryset().get(pk=pregnancy.pk)
        context = self.get_serializer_context()
        return Response(PregnancySerializer(pregnancy, context=context).data, code)

    @extend_schema(
        summary=_("孕产妇建册"),
        request=PregnancyRegisterSerializer,
        responses={201: PregnancySerializer, **errors(400, 403)},
    )
    def create(self, request):
        pregnancy = actions.pregnancy_register(acting_user=request.user, **self.parse())
        return self._render(pregnancy, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("记录产前检查"),
        request=VisitRecordSerializer,
        responses={201: PregnancySerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        pregnancy = self.get_object()
        actions.antenatal_visit_record(
            acting_user=request.user, pregnancy=pregnancy, **self.parse()
        )
        return self._render(pregnancy, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("分娩登记"),
        request=DeliverySerializer,
        responses={200: PregnancySerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        pregnancy = self.get_object()
        actions.delivery_record(acting_user=request.user, pregnancy=pregnancy, **self.parse())
        return self._render(pregnancy)

    @extend_schema(
        summary=_("终止妊娠登记"),
        request=PregnancyEndSerializer,
        responses={200: PregnancySerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        pregnancy = self.get_object()
        actions.pregnancy_end(acting_user=request.user, pregnancy=pregnancy, **self.parse())
        return self._render(pregnancy)

    @extend_schema(
        summary=_("记录产后访视"),
        request=PostpartumRecordSerializer,
        responses={201: PregnancySerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def postpartum(self, request, pk=None):
        pregnancy = self.get_object()
        actions.postpartum_visit_record(
            acting_user=request.user, pregnancy=pregnancy, **self.parse()
        )
        return self._render(pregnancy, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("儿童健康检查列表")),
    retrieve=extend_schema(summary=_("儿童健康检查详情")),
)
class ChildCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """0–6岁儿童健康检查。"""

    queryset = ChildHealthCheck.objects.none()
    serializer_class = ChildCheckSerializer
    input_serializers = {"create": ChildCheckRecordSerializer}
    filterset_class = ChildCheckFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return (
            ChildHealthCheck.objects.restrict(self.request.user, "view")
            .select_related("person")
            .order_by("-date", "-id")
        )

    @extend_schema(
        summary=_("记录儿童健康检查"),
        request=ChildCheckRecordSerializer,
        responses={201: ChildCheckSerializer, **errors(400, 403)},
    )
    def create(self, request):
        check = actions.child_check_record(acting_user=request.user, **self.parse())
        check = self.get_queryset().get(pk=check.pk)
        return Response(ChildCheckSerializer(check).data, status.HTTP_201_CREATED)

"""Marriage-and-childbearing certificates and residence permits (with endorsements).
Reads start from ``.restrict(user, "view")``; writes are one call to an action in
``parity.certificates.actions``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from parity.certificates import actions, rules, selectors
from parity.certificates.choices import CheckOutcome, PermitBasis, PermitState
from parity.certificates.filters import CertificateFilterSet, PermitFilterSet
from parity.certificates.models import MarriageCertificate, PermitEndorsement, ResidencePermit
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
from parity.people.api.persons import PersonBriefSerializer
from parity.people.choices import MaritalStatus
from parity.people.models import Person

# --- certificates --------------------------------------------------------------------------


class CheckRequestSerializer(serializers.Serializer):
    """The 7-day 协查 a failed online check sent (exchange's ``VerificationRequest``)."""

    id = serializers.IntegerField(label=_("编号"))
    request_id = serializers.UUIDField(label=_("协查编号"))
    urgency = serializers.CharField(label=_("紧急程度"))
    status = serializers.CharField(label=_("状态"))
    requested_on = serializers.DateField(label=_("发出日期"))
    due_on = serializers.DateField(allow_null=True, label=_("反馈期限(对方接收后计算)"))


class CertificateSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    check_request = CheckRequestSerializer(read_only=True, allow_null=True)
    check_message = serializers.SerializerMethodField(label=_("查验结果说明"))

    class Meta:
        model = MarriageCertificate
        fields = [
            "id",
            "person",
            "region_code",
            "number",
            "issued_on",
            "electronic",
            "valid_until",
            "marital_status",
            "children_count",
            "checked_on",
            "checked_late",
            "check_outcome",
            "check_request",
            "check_message",
            "area_code",
        ]
        read_only_fields = fields

    def get_check_message(self, certificate: MarriageCertificate) -> str:
        """Whether a failed check's 协查 was sent, or why not; blank otherwise."""
        if certificate.check_outcome != CheckOutcome.FAILED:
            return ""
        return selectors.check_request_message(certificate)[1]


class CertificateRecordSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyField(model=Person, label=_("持证人"))
    region_code = serializers.CharField(max_length=6, label=_("发证地代码"))
    number = serializers.CharField(max_length=40, label=_("证明编号"))
    issued_on = serializers.DateField(label=_("发证日期"))
    electronic = serializers.BooleanField(default=False, label=_("电子婚育证明"))
    marital_status = serializers.ChoiceField(
        choices=MaritalStatus.choices, required=False, allow_blank=True
    )
    children_count = serializers.IntegerField(min_value=0, default=0)
    valid_until = serializers.DateField(required=False, allow_null=True)
    checked_on = serializers.DateField(required=False, allow_null=True, label=_("查验日期"))
    outcome = serializers.ChoiceField(
        choices=CheckOutcome.choices, default=CheckOutcome.VERIFIED, label=_("查验结果")
    )
    provider = ProviderField()


class CertificateCheckSerializer(serializers.Serializer):
    checked_on = serializers.DateField(label=_("查验日期"))
    outcome = serializers.ChoiceField(
        choices=CheckOutcome.choices, default=CheckOutcome.VERIFIED, label=_("查验结果")
    )
    provider = ProviderField()


@extend_schema_view(
    list=extend_schema(summary=_("婚育证明列表")),
    retrieve=extend_schema(summary=_("婚育证明详情")),
)
class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """婚育证明:登记(户籍地发证)与现居住地查验。"""

    queryset = MarriageCertificate.objects.none()
    serializer_class = CertificateSerializer
    input_serializers = {"create": CertificateRecordSerializer, "check": CertificateCheckSerializer}
    filterset_class = CertificateFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return (
            MarriageCertificate.objects.restrict(self.request.user, "view")
            .select_related("person", "check_request__partner")
            .order_by("-issued_on", "-id")
        )

    def _render(self, certificate, code=status.HTTP_200_OK) -> Response:
        certificate = self.get_queryset().get(pk=certificate.pk)
        return Response(CertificateSerializer(certificate).data, code)

    @extend_schema(
        summary=_("登记婚育证明"),
        request=CertificateRecordSerializer,
        responses={201: CertificateSerializer, **errors(400, 403)},
    )
    def create(self, request):
        certificate = actions.certificate_record(acting_user=request.user, **self.parse())
        return self._render(certificate, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("查验婚育证明"),
        request=CertificateCheckSerializer,
        responses={200: CertificateSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        certificate = self.get_object()
        actions.certificate_check(acting_user=request.user, certificate=certificate, **self.parse())
        return self._render(certificate)


# --- permits -------------------------------------------------------------------------------


class EndorsementSerializer(ModelSerializer):
    class Meta:
        model = PermitEndorsement
        fields = ["id", "endorsed_on", "late", "counted_from", "valid_until"]
        read_only_fields = fields


class StandingSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=PermitState.choices, label=_("状态"))
    counted_from = serializers.DateField(allow_null=True, label=_("居住年限起算日"))
    valid_until = serializers.DateField(allow_null=True, label=_("有效期至"))
    endorse_from = serializers.DateField(allow_null=True, label=_("签注期开始"))
    lapsed_since = serializers.DateField(allow_null=True, label=_("中止自"))
    years = serializers.IntegerField(label=_("连续居住年限"))


class PermitSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    endorsements = EndorsementSerializer(many=True, read_only=True)
    standing = serializers.SerializerMethodField(label=_("按日期计算的状态"))

    class Meta:
        model = ResidencePermit
        fields = [
            "id",
            "person",
            "basis",
            "applied_on",
            "issued_on",
            "number",
            "status",
            "area_code",
            "endorsements",
            "standing",
        ]
        read_only_fields = fields

    @extend_schema_field(StandingSerializer)
    def get_standing(self, permit: ResidencePermit) -> dict:
        on = self.context.get("on") or timezone.localdate()
        return StandingSerializer(rules.permit_state(permit, permit.endorsements.all(), on)).data


class PermitApplySerializer(serializers.Serializer):
    person = ScopedPrimaryKeyField(model=Person, label=_("申领人"))
    basis = serializers.ChoiceField(choices=PermitBasis.choices, label=_("申领条件"))
    applied_on = serializers.DateField(required=False, allow_null=True, label=_("申领日期"))
    provider = ProviderField()


class PermitIssueSerializer(serializers.Serializer):
    issued_on = serializers.DateField(label=_("发证日期"))
    number = serializers.CharField(max_length=40, label=_("居住证号码"))
    provider = ProviderField()


class PermitEndorseSerializer(serializers.Serializer):
    endorsed_on = serializers.DateField(label=_("签注日期"))
    provider = ProviderField()


@extend_schema_view(
    list=extend_schema(summary=_("居住证列表"), parameters=[STATE_ON]),
    retrieve=extend_schema(summary=_("居住证详情"), parameters=[STATE_ON]),
)
class PermitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """居住证:申领、发证、年度签注;状态按日期计算(有效、待签注、逾期中止)。"""

    queryset = ResidencePermit.objects.none()
    serializer_class = PermitSerializer
    input_serializers = {
        "create": PermitApplySerializer,
        "issue": PermitIssueSerializer,
        "endorse": PermitEndorseSerializer,
    }
    filterset_class = PermitFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return (
            ResidencePermit.objects.restrict(self.request.user, "view")
            .select_related("person")
            .prefetch_related("endorsements")
            .order_by("-applied_on", "-id")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on": as_of(self.request)}

    def _render(self, permit, code=status.HTTP_200_OK) -> Response:
        permit = self.get_queryset().get(pk=permit.pk)
        context = self.get_serializer_context()
        return Response(PermitSerializer(permit, context=context).data, code)

    @extend_schema(
        summary=_("申领居住证"),
        request=PermitApplySerializer,
        responses={201: PermitSerializer, **errors(400, 403)},
    )
    def create(self, request):
        permit = actions.permit_apply(acting_user=request.user, **self.parse())
        return self._render(permit, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("发放居住证"),
        request=PermitIssueSerializer,
        responses={200: PermitSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        permit = self.get_object()
        actions.permit_issue(acting_user=request.user, permit=permit, **self.parse())
        return self._render(permit)

    @extend_schema(
        summary=_("居住证签注"),
        request=PermitEndorseSerializer,
        responses={201: PermitSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def endorse(self, request, pk=None):
        permit = self.get_object()
        actions.permit_endorse(acting_user=request.user, permit=permit, **self.parse())
        return self._render(permit, status.HTTP_201_CREATED)

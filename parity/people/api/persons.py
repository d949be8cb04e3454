"""Persons and residences. Reads start from ``.restrict(user, "view")``; every write is one
call to an action in ``parity.people.actions``, which checks "change" and audits.

Serializers show only the masked ID and phone numbers; the clear value leaves the server
only through ``POST persons/{id}/reveal/``, which the action audits.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parity.accounts.permissions import scope_code
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
from parity.dedup.selectors import duplicate_warnings
from parity.housing.models import Dwelling
from parity.people import actions, rules
from parity.people.choices import (
    Education,
    Ethnicity,
    HousingType,
    HukouType,
    MaritalStatus,
    MoveReason,
    StayClass,
)
from parity.people.filters import PersonFilterSet, ResidenceFilterSet
from parity.people.models import Person, Residence, stay_class

# --- serializers -------------------------------------------------------------------------


class PersonBriefSerializer(ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "id_masked"]
        read_only_fields = fields


class PersonSerializer(ModelSerializer):
    grid = AreaBriefSerializer(read_only=True, allow_null=True)
    hukou_place = serializers.SerializerMethodField(label=_("户籍地"))

    class Meta:
        model = Person
        fields = [
            "id",
            "id_masked",
            "name",
            "sex",
            "birth_date",
            "ethnicity",
            "education",
            "marital_status",
            "hukou_code",
            "hukou_place",
            "hukou_type",
            "phone_masked",
            "status",
            "area_code",
            "grid",
            "outflow_region_code",
            "outflow_since",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_hukou_place(self, person: Person) -> str:
        return person.hukou_origin.label


class PersonRegisteredSerializer(PersonSerializer):
    """The person just registered, with the likely duplicates found (as the page warns;
    the registration is never refused for them: they are queued for review)."""

    duplicate_warnings = serializers.SerializerMethodField(label=_("疑似重复提示"))

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "duplicate_warnings"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_duplicate_warnings(self, person: Person) -> list[str]:
        return duplicate_warnings(self.context["request"].user, person)


def _choice(choices, label, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices, label=label, required=False, allow_blank=True, **kwargs
    )


class PersonRegisterSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=32, write_only=True, label=_("身份证号码"))
    name = serializers.CharField(max_length=50, label=_("姓名"))
    grid = AreaCodeField(label=_("网格代码"))
    arrived_on = serializers.DateField(
        required=False, allow_null=True, label=_("来本地日期"), help_text=_("流入/户籍人口必填")
    )
    housing_type = _choice(HousingType.choices, _("住所类型"))
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, label=_("居住地址")
    )
    move_reason = _choice(MoveReason.choices, _("流动原因"))
    dwelling = ScopedPrimaryKeyField(
        model=Dwelling, required=False, allow_null=True, label=_("房屋")
    )
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, label=_("民族"))
    education = _choice(Education.choices, _("文化程度"))
    marital_status = _choice(MaritalStatus.choices, _("婚姻状况"))
    hukou_code = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        label=_("户籍地代码"),
        help_text=_("不填则取身份证号码前6位"),
    )
    hukou_type = _choice(HukouType.choices, _("户口性质"))
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, write_only=True, label=_("联系电话")
    )
    outflow_region_code = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        label=_("流向地代码"),
        help_text=_("登记本市户籍的流出人员时填写"),
    )
    outflow_since = serializers.DateField(required=False, allow_null=True, label=_("流出日期"))

    def validate(self, attrs):
        fields = ("hukou_code", "outflow_region_code", "outflow_since", "arrived_on")
        errors = rules.registration_errors(
            id_number=attrs["id_number"],
            housing_type=attrs.get("housing_type") or "",
            **{field: attrs[field] for field in fields if attrs.get(field)},
        )
        if errors:
            raise DjangoValidationError(errors)
        return attrs


class PersonUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, label=_("姓名"))
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, label=_("民族"))
    education = _choice(Education.choices, _("文化程度"))
    marital_status = _choice(MaritalStatus.choices, _("婚姻状况"))
    hukou_code = serializers.CharField(
        max_length=6, required=False, allow_blank=True, label=_("户籍地代码")
    )
    hukou_type = _choice(HukouType.choices, _("户口性质"))
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, write_only=True, label=_("联系电话")
    )
    outflow_region_code = serializers.CharField(
        max_length=6, required=False, allow_blank=True, label=_("流向地代码")
    )
    outflow_since = serializers.DateField(required=False, allow_null=True, label=_("流出日期"))


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=[("id_number", _("身份证号码")), ("phone", _("联系电话"))], label=_("字段")
    )


class PersonSearchSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, label=_("姓名、身份证号码或电话"))


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField(label=_("字段"))
    value = serializers.CharField(label=_("完整值"))


class MoveSerializer(serializers.Serializer):
    grid = AreaCodeField(label=_("新网格代码"))
    arrived_on = serializers.DateField(label=_("来本地日期"))
    housing_type = serializers.ChoiceField(choices=HousingType.choices, label=_("住所类型"))
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, label=_("居住地址")
    )
    move_reason = _choice(MoveReason.choices, _("流动原因"))
    dwelling = ScopedPrimaryKeyField(
        model=Dwelling, required=False, allow_null=True, label=_("房屋")
    )


class DepartSerializer(serializers.Serializer):
    departed_on = serializers.DateField(label=_("离开日期"))
    destination_code = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        label=_("去向地代码"),
        help_text=_("本市户籍人员离开本市时必填"),
    )


class ResidenceSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    grid = AreaBriefSerializer(read_only=True)
    stay_class = serializers.SerializerMethodField(label=_("居住时长"))

    class Meta:
        model = Residence
        fields = [
            "id",
            "person",
            "grid",
            "area_code",
            "address",
            "dwelling",
            "arrived_on",
            "departed_on",
            "departed_to_code",
            "housing_type",
            "move_reason",
            "stay_class",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=StayClass.choices))
    def get_stay_class(self, residence: Residence) -> str:
        """Length of stay on departure, or today for an open residence."""
        return stay_class(residence.arrived_on, residence.departed_on or timezone.localdate())


# --- views ---------------------------------------------------------------------------------


def _residences(user):
    return Residence.objects.restrict(user, "view").select_related("person", "grid")


@extend_schema_view(
    list=extend_schema(summary=_("人员列表")),
    retrieve=extend_schema(summary=_("人员详情"), responses={200: PersonSerializer, **errors(404)}),
)
class PersonViewSet(mixins.ListModelMixin, VersionedRetrieveMixin, ActionViewSet):
    """人员:列表和详情只显示脱敏的身份证号码和电话。"""

    queryset = Person.objects.none()
    serializer_class = PersonSerializer
    input_serializers = {
        "create": PersonRegisterSerializer,
        "partial_update": PersonUpdateSerializer,
        "reveal": RevealSerializer,
        "search": PersonSearchSerializer,
        "move": MoveSerializer,
        "depart": DepartSerializer,
    }
    filterset_class = PersonFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        user = self.request.user
        # The scope as a range too: the list reads its stretch of the (area_code, name,
        # id) index in order (``in_code_range``).
        scope = scope_code(user, "view") or ""
        return Person.objects.restrict(user, "view").in_code_range(scope).select_related("grid")

    def _render(self, person: Person, code: int = status.HTTP_200_OK) -> Response:
        person = self.get_queryset().get(pk=person.pk)
        return Response(PersonSerializer(person, context=self.get_serializer_context()).data, code)

    @extend_schema(
        summary=_("登记人员"),
        request=PersonRegisterSerializer,
        responses={201: PersonRegisteredSerializer, **errors(400, 403)},
    )
    def create(self, request):
        data = self.parse()
        person = actions.person_register(acting_user=request.user, **data)
        person = self.get_queryset().get(pk=person.pk)
        serializer = PersonRegisteredSerializer(person, context=self.get_serializer_context())
        return Response(serializer.data, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改人员信息"),
        request=PersonUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: PersonSerializer, **errors(400, 403, 404, 412, 428)},
    )
    def partial_update(self, request, pk=None):
        person = self.get_object()
        expected = self.expected_version()
        data = self.parse()
        person = actions.person_update(
            acting_user=request.user, person=person, expected_version=expected, **data
        )
        return with_etag(self._render(person), person)

    @extend_schema(
        summary=_("查询人员(号码放在请求正文里,不进入URL和访问日志)"),
        description=_(
            "按姓名、身份证号码或电话查询:q 放在 POST 正文中。列表接口的 ?q= 会把号码写进"
            "URL(访问日志、代理),按号码查询请用本接口;其他筛选条件和分页仍可放在 URL 中。"
        ),
        request=PersonSearchSerializer,
        responses={200: PersonSerializer(many=True), **errors(400)},
    )
    @action(detail=False, methods=["post"], filter_backends=[])
    def search(self, request):
        data = request.query_params.copy()
        data["q"] = self.parse()["q"]
        filterset = PersonFilterSet(data, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        context = self.get_serializer_context()
        return self.get_paginated_response(PersonSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary=_("查看完整身份证号码或电话(留痕)"),
        request=RevealSerializer,
        responses={200: RevealedSerializer, **errors(400, 403, 404, 429)},
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        person = self.get_object()
        field = self.parse()["field"]
        value = actions.person_reveal(acting_user=request.user, person=person, field=field)
        # A clear ID number must not linger in a browser or proxy cache.
        return Response({"field": field, "value": value}, headers={"Cache-Control": "no-store"})

    @extend_schema(
        summary=_("迁居(市内搬迁或回到本市)"),
        request=MoveSerializer,
        responses={201: ResidenceSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        person = self.get_object()
        data = self.parse()
        residence = actions.residence_move(acting_user=request.user, person=person, **data)
        residence = _residences(request.user).get(pk=residence.pk)
        return Response(ResidenceSerializer(residence).data, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("离开本市(注销在住居住登记)"),
        request=DepartSerializer,
        responses={200: ResidenceSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        person = self.get_object()
        data = self.parse()
        residence = actions.residence_close(acting_user=request.user, person=person, **data)
        residence = _residences(request.user).get(pk=residence.pk)
        return Response(ResidenceSerializer(residence).data)

    @extend_schema(
        summary=_("人员的居住登记"),
        responses={200: ResidenceSerializer(many=True), **errors(404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def residences(self, request, pk=None):
        person = self.get_object()
        residences = _residences(request.user).filter(person=person)
        return Response(ResidenceSerializer(residences, many=True).data)


@extend_schema_view(
    list=extend_schema(summary=_("居住登记列表")),
    retrieve=extend_schema(summary=_("居住登记详情")),
)
class ResidenceViewSet(viewsets.ReadOnlyModelViewSet):
    """居住登记(只读;迁居和离开请用人员接口)。"""

    queryset = Residence.objects.none()
    serializer_class = ResidenceSerializer
    filterset_class = ResidenceFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return _residences(self.request.user)

"""The review queue over the API: candidate pairs (restricted like the pages), merge,
"not the same person", and unmerge."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from parity.core.api.base import ActionViewSet, Pagination, errors
from parity.dedup import actions
from parity.dedup.actions import FIELD_GROUPS
from parity.dedup.filters import PairFilter
from parity.dedup.models import DuplicatePair, Merge


class PairSerializer(serializers.ModelSerializer):
    class Meta:
        model = DuplicatePair
        fields = ["id", "low_id", "high_id", "score", "reasons", "status", "found_at", "note"]


class MergeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Merge
        fields = ["id", "pair", "survivor_id", "merged_id", "state", "merged_at", "unmerged_at"]


class MergeInputSerializer(serializers.Serializer):
    survivor_id = serializers.IntegerField(help_text=_("保留人员编号(两人之一)"))
    winners = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("逐项取值:字段名 → 取其值的人员编号;字段:%(f)s")
        % {"f": ", ".join(FIELD_GROUPS)},
    )


class DismissInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """疑似重复人员:两人都在用户可修改范围内的候选对;合并、标记非同一人、撤销合并。"""

    queryset = DuplicatePair.objects.none()
    serializer_class = PairSerializer
    input_serializers = {"merge": MergeInputSerializer, "dismiss": DismissInputSerializer}
    filterset_class = PairFilter
    pagination_class = Pagination

    def get_queryset(self):
        return DuplicatePair.objects.restrict(self.request.user, "change").order_by("-score", "id")

    @extend_schema(
        summary=_("合并为一人"),
        request=MergeInputSerializer,
        responses={201: MergeSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        pair = self.get_object()
        data = self.parse()
        merge = actions.pair_merge(
            acting_user=request.user,
            pair=pair,
            survivor_id=data["survivor_id"],
            winners=data.get("winners") or {},
        )
        return Response(MergeSerializer(merge).data, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("标记为非同一人"),
        request=DismissInputSerializer,
        responses={200: PairSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        pair = actions.pair_dismiss(
            acting_user=request.user, pair=self.get_object(), note=self.parse().get("note", "")
        )
        return Response(PairSerializer(pair).data)


class MergeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActionViewSet):
    """人员合并记录(被合并人员的墓碑),可在期限内撤销。"""

    queryset = Merge.objects.none()
    serializer_class = MergeSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return Merge.objects.restrict(self.request.user, "change").order_by("-merged_at", "-id")

    @extend_schema(
        summary=_("撤销合并"), request=None, responses={200: MergeSerializer, **errors(400, 403)}
    )
    @action(detail=True, methods=["post"])
    def unmerge(self, request, pk=None):
        merge = actions.pair_unmerge(acting_user=request.user, merge=self.get_object())
        return Response(MergeSerializer(merge).data)

"""The page form for an administrator's indicator: plain fields that compose the
definition (``definition.py``), so that no one writes JSON unless they want to."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parity.core.forms import FieldsetsMixin
from parity.indicators.choices import Dimension, PeriodType
from parity.people.choices import MaritalStatus, Sex, Status
from parity.services.eligibility import FLAGS
from parity.services.models import ServiceType


def _services():
    return [("", "—")] + [(s.code, s.display_name) for s in ServiceType.objects.active()]


class IndicatorDefineForm(FieldsetsMixin, forms.Form):
    fieldsets = [
        (
            _("指标"),
            ["code", "name", "name_en", "category", "description", "description_en", "period"],
        ),
        (
            _("分母:统计哪些人"),
            [
                "den_service",
                "age_min",
                "age_max",
                "sex",
                "marital_status",
                "statuses",
                "min_stay_months",
                "flags",
            ],
        ),  # fmt: skip
        (
            _("分子:其中哪些人得到了服务"),
            [
                "num_service",
                "event_service",
                "event_min_count",
                "event_within_days",
                "visited_within_days",
            ],
        ),  # fmt: skip
        (_("展示"), ["dimensions", "in_index"]),
        (_("高级:直接填写定义(JSON)"), ["denominator_json", "numerator_json"]),
    ]

    code = forms.SlugField(label=_("代码"), max_length=64, help_text=_("英文字母、数字、连字符"))
    name = forms.CharField(label=_("名称"), max_length=100)
    name_en = forms.CharField(label=_("英文名称"), max_length=150, required=False)
    category = forms.CharField(label=_("类别"), max_length=32, initial="custom")
    description = forms.CharField(
        label=_("口径说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("英文口径说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    period = forms.ChoiceField(label=_("统计周期"), choices=PeriodType.choices)

    den_service = forms.ChoiceField(
        label=_("符合某项服务的资格条件"), required=False, choices=(),
        help_text=_("按该服务在统计日生效的资格条件计入分母"),
    )  # fmt: skip
    age_min = forms.IntegerField(label=_("最小年龄(周岁)"), required=False, min_value=0)
    age_max = forms.IntegerField(label=_("最大年龄(周岁)"), required=False, min_value=0)
    sex = forms.ChoiceField(label=_("性别"), required=False, choices=[("", "—"), *Sex.choices])
    marital_status = forms.MultipleChoiceField(
        label=_("婚姻状况"), required=False, choices=MaritalStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    statuses = forms.MultipleChoiceField(
        label=_("人口类别"), required=False, choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即为居住在本市的流入人口和户籍人口"),
    )  # fmt: skip
    min_stay_months = forms.IntegerField(
        label=_("本次来本市至少居住(月)"), required=False, min_value=0
    )
    flags = forms.MultipleChoiceField(
        label=_("其他条件"), required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )

    num_service = forms.ChoiceField(
        label=_("已获得某项服务(按服务的完成判定)"), required=False, choices=()
    )
    event_service = forms.ChoiceField(label=_("或:有某项服务记录"), required=False, choices=())
    event_min_count = forms.IntegerField(label=_("至少次数"), required=False, min_value=1)
    event_within_days = forms.IntegerField(
        label=_("统计日前多少天内"), required=False, min_value=1,
        help_text=_("不填则为统计周期内"),
    )  # fmt: skip
    visited_within_days = forms.IntegerField(
        label=_("或:多少天内有入户走访"), required=False, min_value=1
    )

    dimensions = forms.MultipleChoiceField(
        label=_("可分组维度"), required=False, choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    in_index = forms.BooleanField(label=_("计入均等化指数"), required=False)

    denominator_json = forms.CharField(
        label=_("分母 JSON"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("填写后取代上面的分母选项"),
    )  # fmt: skip
    numerator_json = forms.CharField(
        label=_("分子 JSON"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("填写后取代上面的分子选项"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        services = _services()
        for name in ("den_service", "num_service", "event_service"):
            self.fields[name].choices = services  # type: ignore[attr-defined]
        self.fields["flags"].choices = [(p.name, p.label) for p in FLAGS.values()]  # type: ignore[attr-defined]

    def _json(self, name: str) -> dict[str, Any] | None:
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            self.add_error(name, _("不是有效的 JSON:%(error)s") % {"error": error.msg})
            return None
        if not isinstance(value, dict):
            self.add_error(name, _("应为 JSON 对象"))
            return None
        return value

    def definition(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The denominator and numerator the fields describe (after ``is_valid``)."""
        data = self.cleaned_data
        denominator: dict[str, Any] = {}
        if data.get("den_service"):
            denominator["service"] = data["den_service"]
        for key in ("age_min", "age_max", "min_stay_months"):
            if data.get(key) is not None:
                denominator[key] = data[key]
        for key in ("sex",):
            if data.get(key):
                denominator[key] = data[key]
        for key in ("marital_status", "statuses", "flags"):
            if data.get(key):
                denominator[key] = list(data[key])
        numerator: dict[str, Any] = {}
        if data.get("num_service"):
            numerator["service"] = data["num_service"]
        if data.get("event_service"):
            event: dict[str, Any] = {"service": data["event_service"]}
            if data.get("event_min_count"):
                event["min_count"] = data["event_min_count"]
            if data.get("event_within_days"):
                event["within_days"] = data["event_within_days"]
            numerator["event"] = event
        if data.get("visited_within_days"):
            numerator["predicates"] = [
                {"name": "visited_within", "days": data["visited_within_days"]}
            ]
        den_json, num_json = self._json("denominator_json"), self._json("numerator_json")
        return (
            den_json if den_json is not None else denominator,
            num_json if num_json is not None else numerator,
        )

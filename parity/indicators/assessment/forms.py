"""The one target form (目标考核): the page's add/edit form and each row of an .xlsx
import are validated by ``TargetForm``, so both give the same messages and codes.

Areas and indicators are named by code (the import also takes an indicator's Chinese
name, and a measure's Chinese label); ``TargetLookups`` resolves them, once per file for
an import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.areas.models import Area
from parity.core.error_codes import ErrorCode
from parity.indicators.choices import Measure, Unit
from parity.indicators.error_codes import IndicatorErrorCode
from parity.indicators.models import Indicator
from parity.people.imports.columns import choice_lookup

YEAR_MIN, YEAR_MAX = 2000, 2100
NOTE_LENGTH = 200


def target_problems(indicator: Indicator, measure: str) -> dict[str, ValidationError]:
    """What makes a target on an indicator meaningless, by field: an inactive indicator is
    no longer computed; a grid indicator (the platform's use rate) has no registered side,
    so no ratio."""
    problems: dict[str, ValidationError] = {}
    if not indicator.is_active:
        problems["indicator"] = ValidationError(
            _("指标“%(name)s”已停用,不能设定目标") % {"name": indicator.name},
            code=IndicatorErrorCode.INDICATOR_INACTIVE,
        )
    if measure == Measure.RATIO and indicator.unit == Unit.GRID:
        problems["measure"] = ValidationError(
            _("指标“%(name)s”按网格统计,没有户籍人口对照,不能按流动/户籍比值考核")
            % {"name": indicator.name},
            code=IndicatorErrorCode.MEASURE_NOT_APPLICABLE,
        )
    return problems


class TargetLookups:
    """Areas, indicators and measures by the names a form or a file may use. Given
    ``area_codes``, the areas are read once (an import); otherwise one at a time."""

    def __init__(
        self,
        *,
        area_codes: Iterable[str] | None = None,
        measure_synonyms: Mapping[str, str] | None = None,
    ) -> None:
        self.indicators: dict[str, Indicator] = {}
        for indicator in Indicator.objects.order_by("sort_order", "code"):
            self.indicators.setdefault(indicator.code, indicator)
            self.indicators.setdefault(indicator.name, indicator)
        # The synonym table's other names of a measure (流动人口 for 流动人口比率).
        self.measures = choice_lookup(Measure, measure_synonyms)
        self._areas: dict[str, Area] | None = None
        if area_codes is not None:
            self._areas = {a.code: a for a in Area.objects.filter(code__in=set(area_codes))}

    def area(self, code: str) -> Area | None:
        if self._areas is not None:
            return self._areas.get(code)
        return Area.objects.filter(code=code).first()


def _number_messages(label: str) -> dict[str, str]:
    invalid = _("%(label)s应为数字,最多两位小数") % {"label": label}
    return {
        "invalid": invalid,
        "max_digits": invalid,
        "max_decimal_places": invalid,
        "max_whole_digits": invalid,
    }


class TargetForm(forms.Form):
    """A yearly target of an area on an indicator (create or update: the year, area and
    indicator name the target). ``scope`` is the user's assessment scope (area-code
    prefix, ``""`` for the city): an area outside it is refused here, before the action
    refuses it again."""

    year = forms.IntegerField(label=gettext_lazy("年度"))
    area = forms.CharField(label=gettext_lazy("区划"), max_length=20)
    indicator = forms.CharField(label=gettext_lazy("指标"), max_length=100)
    measure = forms.CharField(label=gettext_lazy("考核口径"), max_length=32, required=False)
    value = forms.DecimalField(label=gettext_lazy("目标值(%)"), max_digits=6, decimal_places=2)
    weight = forms.DecimalField(
        label=gettext_lazy("权重"), max_digits=5, decimal_places=2, required=False
    )
    note = forms.CharField(label=gettext_lazy("备注"), required=False)

    def __init__(
        self,
        *args,
        scope: str,
        lookups: TargetLookups | None = None,
        area_choices: list[tuple[str, str]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.lookups = lookups or TargetLookups()
        self.fields["value"].error_messages.update(_number_messages(_("目标值")))
        self.fields["weight"].error_messages.update(_number_messages(_("权重")))
        self.fields["year"].error_messages["invalid"] = self._year_message()
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写%(label)s") % {"label": field.label}
        if area_choices is not None:
            self.fields["area"].widget = forms.Select(choices=area_choices)
            self.fields["indicator"].widget = forms.Select(
                choices=[
                    (i.code, i.display_name)
                    for i in Indicator.objects.active().order_by("sort_order", "code")
                ]
            )
            self.fields["measure"].widget = forms.Select(choices=Measure.choices)
            self.fields["year"].widget.attrs.update(min=YEAR_MIN, max=YEAR_MAX)
            self.fields["value"].widget.attrs.update(min=0, max=100, step="0.01")
            self.fields["weight"].widget.attrs.update(min=0, step="0.01")

    @staticmethod
    def _year_message() -> str:
        return _("年度应为%(min)d至%(max)d之间的整数") % {"min": YEAR_MIN, "max": YEAR_MAX}

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ValidationError(self._year_message(), code=IndicatorErrorCode.YEAR_INVALID)
        return year

    def clean_area(self) -> Area:
        code = self.cleaned_data["area"].strip()
        area = self.lookups.area(code)
        if area is None:
            raise ValidationError(
                _("没有代码为“%(code)s”的区划") % {"code": code},
                code=IndicatorErrorCode.AREA_UNKNOWN,
            )
        if not area.code.startswith(self.scope):
            raise ValidationError(
                _("%(name)s(%(code)s)不在您的考核管辖范围内") % {"name": area.name, "code": code},
                code=IndicatorErrorCode.AREA_OUT_OF_SCOPE,
            )
        return area

    def clean_indicator(self) -> Indicator:
        key = self.cleaned_data["indicator"].strip()
        indicator = self.lookups.indicators.get(key)
        if indicator is None:
            raise ValidationError(
                _("没有代码或名称为“%(value)s”的指标") % {"value": key},
                code=IndicatorErrorCode.INDICATOR_UNKNOWN,
            )
        return indicator

    def clean_measure(self) -> str:
        text = self.cleaned_data["measure"].strip()
        if not text:
            return Measure.FLOATING_RATE.value
        measure = self.lookups.measures.get(text)
        if measure is None:
            raise ValidationError(
                _("“%(value)s”不是有效的考核口径;可填:%(labels)s")
                % {"value": text, "labels": "、".join(str(m.label) for m in Measure)},
                code=IndicatorErrorCode.MEASURE_UNKNOWN,
            )
        return measure

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        if not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(
                _("目标值应在0到100之间(百分数,如 95 表示 95%)"),
                code=IndicatorErrorCode.VALUE_OUT_OF_RANGE,
            )
        return value

    def clean_weight(self) -> Decimal:
        weight = self.cleaned_data["weight"]
        if weight is None:
            return Decimal(1)
        if weight < 0:
            raise ValidationError(_("权重不能为负数"), code=IndicatorErrorCode.VALUE_OUT_OF_RANGE)
        return weight

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if len(note) > NOTE_LENGTH:
            raise ValidationError(
                _("内容过长:最多%(n)d个字") % {"n": NOTE_LENGTH}, code=ErrorCode.TOO_LONG
            )
        return note

    def clean(self):
        super().clean()
        data = self.cleaned_data
        indicator, measure = data.get("indicator"), data.get("measure")
        if isinstance(indicator, Indicator) and measure:
            for name, error in target_problems(indicator, measure).items():
                self.add_error(name, error)
        return data

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field, message, code) of every error, codes made ours (``error_codes``)."""
        found = []
        for name, errors in self.errors.as_data().items():
            for error in errors:
                found.append((name, error.messages[0], _our_code(name, error.code)))
        return found


def _our_code(name: str, code: str | None) -> str:
    if code == "required":
        return ErrorCode.REQUIRED
    if name == "year" and code in ("invalid", "max_value", "min_value"):
        return IndicatorErrorCode.YEAR_INVALID
    if name in ("value", "weight") and code in (
        "invalid",
        "max_digits",
        "max_decimal_places",
        "max_whole_digits",
    ):
        return IndicatorErrorCode.NOT_A_NUMBER
    return code or ErrorCode.REQUIRED


class TargetPageForm(TargetForm):
    """The assessment page's form: opened on an existing target (``?edit=``), it carries
    that target's version (``parity.core.concurrency``), so that saving over someone
    else's change in between is refused instead of undoing it."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

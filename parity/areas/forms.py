"""Form fields over the area tree, for every app's registration pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parity.areas.models import Area
from parity.areas.origins import lookup, place_value
from parity.core.error_codes import ErrorCode


class PlaceInput(forms.TextInput):
    """A text box that suggests places by name as the user types (``web/places.js`` fills
    its ``<datalist>`` from ``web:place_search``); a stored code is shown with its name.
    Without scripts it takes a 6-digit code or a name written out."""

    def __init__(self, attrs=None):
        base = {
            "autocomplete": "off",
            "data-place-search": reverse_lazy("web:place_search"),
            "placeholder": _("输入地名选择,如:郑州 金水"),
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        text = super().format_value(value)
        if text and len(text) == 6 and text.isdigit() and lookup(text).known:
            return f"{text} {lookup(text).label}"
        return text

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-places"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', name)}-places"
        return html + format_html('<datalist id="{}"></datalist>', list_id)


class PlaceField(forms.CharField):
    """A place of China (GB/T 2260) picked by name, cleaned to its 6-digit code (``""``
    when left empty); the caller's validator then checks the code."""

    widget = PlaceInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 80)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return ""
        code = place_value(text)
        if not code:
            raise ValidationError(
                _("找不到地名“%(text)s”:请从提示中选择,或填写6位行政区划代码"),
                code=ErrorCode.REGION_CODE,
                params={"text": text},
            )
        return code


def grid_field(user, **kwargs) -> forms.ModelChoiceField:
    """A choice among the grids the user may change."""
    kwargs.setdefault("label", _("网格"))
    return forms.ModelChoiceField(
        queryset=Area.objects.restrict(user, "change").grids().order_by("code"), **kwargs
    )


def preselect_single_grid(form: forms.Form) -> None:
    # A grid worker usually has exactly one grid: choose it for them.
    grids = list(form.fields["grid"].queryset[:2])  # type: ignore[attr-defined]
    if len(grids) == 1 and "grid" not in form.initial:
        form.initial["grid"] = grids[0].pk

"""Forms of the 协查 pages: they parse; the rules (``rules.py``) judge, through the actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parity.exchange.choices import Urgency


class RequestForm(forms.Form):
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    question = forms.CharField(
        label=_("协查事项"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    facts = forms.CharField(
        label=_("核查事实"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    checked_by = forms.CharField(label=_("核查人"), max_length=100, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500, required=False)


class MonthForm(forms.Form):
    month = forms.DateField(label=_("月份"), input_formats=["%Y-%m"], required=False)

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


class PartnerForm(forms.Form):
    """A partner instance: its region code, address and public key (the rules judge them,
    in Chinese, through ``actions.partner_add`` / ``partner_update``)."""

    code = forms.CharField(
        label=_("地区代码"),
        max_length=12,
        help_text=_("2、4或6位 GB/T 2260 行政区划代码,如 410102"),
    )
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    url = forms.CharField(label=_("接收地址"), max_length=300, help_text=_("对方实例的网址"))
    key = forms.CharField(
        label=_("公钥"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("对方用 parity partner own-key 导出的 Ed25519 公钥(JWK、PEM 或 base64url)"),
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False
            self.fields["key"].required = False
            self.fields["key"].label = _("新增公钥")
            self.fields["key"].help_text = _(
                "对方更换密钥时填写新公钥:新旧公钥同时有效,直至停用旧公钥"
            )
        else:
            del self.fields["active"]

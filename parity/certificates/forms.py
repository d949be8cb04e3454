"""Forms behind the certificate and permit pages; the actions validate what matters."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parity.certificates.choices import CheckOutcome, PermitBasis
from parity.core.forms import DateInput, blank
from parity.maternal.forms import provider_field
from parity.people.choices import MaritalStatus


def _today():
    return timezone.localdate()


class _Provided(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = provider_field(user)


def _outcome_field(help_text) -> forms.ChoiceField:
    # Not required: a post without it (an older page, a script) is a check that passed,
    # as the API's default is.
    return forms.ChoiceField(
        label=_("查验结果"),
        choices=CheckOutcome.choices,
        initial=CheckOutcome.VERIFIED,
        required=False,
        help_text=help_text,
    )


class _Checked(_Provided):
    def clean_outcome(self) -> str:
        return self.cleaned_data.get("outcome") or CheckOutcome.VERIFIED


class CertificateRecordForm(_Checked):
    region_code = forms.CharField(
        label=_("发证地代码"), max_length=6, help_text=_("户籍地县级行政区划代码(6位)")
    )
    number = forms.CharField(label=_("证明编号"), max_length=40)
    issued_on = forms.DateField(label=_("发证日期"), widget=DateInput())
    electronic = forms.BooleanField(label=_("电子婚育证明"), required=False)
    marital_status = forms.ChoiceField(
        label=_("婚姻状况(证明所载)"), choices=blank(MaritalStatus.choices), required=False
    )
    children_count = forms.IntegerField(label=_("子女数(证明所载)"), min_value=0, initial=0)
    valid_until = forms.DateField(label=_("有效期至"), widget=DateInput(), required=False)
    checked_on = forms.DateField(
        label=_("查验日期"),
        widget=DateInput(),
        required=False,
        help_text=_("本人已出示或已查询电子证明时填写"),
    )
    outcome = _outcome_field(
        _("填写查验日期时适用;线上核验未通过时自动向户籍地发出7日内反馈的协查")
    )


class CertificateCheckForm(_Checked):
    checked_on = forms.DateField(label=_("查验日期"), widget=DateInput(), initial=_today)
    outcome = _outcome_field(_("线上核验未通过或信息不符时,自动向户籍地发出7日内反馈的协查"))


class PermitApplyForm(_Provided):
    basis = forms.ChoiceField(label=_("申领条件"), choices=PermitBasis.choices)
    applied_on = forms.DateField(label=_("申领日期"), widget=DateInput(), initial=_today)


class PermitIssueForm(_Provided):
    number = forms.CharField(label=_("居住证号码"), max_length=40)
    issued_on = forms.DateField(label=_("发证日期"), widget=DateInput(), initial=_today)


class PermitEndorseForm(_Provided):
    endorsed_on = forms.DateField(label=_("签注日期"), widget=DateInput(), initial=_today)

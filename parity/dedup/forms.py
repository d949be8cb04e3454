"""Forms of the review: the merge (survivor and field winners) and "not the same person"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parity.dedup.actions import FIELD_GROUPS
from parity.people.models import Person

FIELD_LABELS = {
    "name": _("姓名"),
    "id_number": _("身份证号码(连同出生日期、性别)"),
    "phone": _("联系电话"),
    "ethnicity": _("民族"),
    "education": _("文化程度"),
    "marital_status": _("婚姻状况"),
    "hukou_code": _("户籍地代码"),
    "hukou_type": _("户口性质"),
}


class MergeForm(forms.Form):
    """Which of the two people survives, and for each field whose value wins."""

    def __init__(self, *args, low: Person, high: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(low.pk), str(low)), (str(high.pk), str(high))]
        self.fields["survivor"] = forms.TypedChoiceField(
            label=_("保留人员"), choices=choices, coerce=int, initial=str(low.pk)
        )
        for name in FIELD_GROUPS:
            self.fields[f"win_{name}"] = forms.TypedChoiceField(
                label=FIELD_LABELS[name],
                choices=[("", _("随保留人员")), *choices],
                coerce=int,
                required=False,
                empty_value=None,
            )

    def winners(self) -> dict[str, int]:
        return {
            name: self.cleaned_data[f"win_{name}"]
            for name in FIELD_GROUPS
            if self.cleaned_data.get(f"win_{name}") is not None
        }


class DismissForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

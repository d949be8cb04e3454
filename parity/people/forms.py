"""Forms behind the registry pages (people, households, transfers). Field rules come from
``parity.people.validators`` so a form, an import row and an API call reject the same
values with the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parity.areas.forms import PlaceField, grid_field, preselect_single_grid
from parity.areas.models import Area
from parity.core.concurrency import VersionedForm
from parity.core.forms import DateInput, FieldsetsMixin, blank
from parity.housing.models import Dwelling
from parity.people import rules, validators
from parity.people.choices import (
    Education,
    Ethnicity,
    HousingType,
    HukouType,
    Industry,
    MaritalStatus,
    MoveReason,
    Relation,
)
from parity.people.models import Person


def dwelling_field(user) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Dwelling.objects.restrict(user, "change").order_by("address"),
        label=_("房屋"),
        required=False,
        help_text=_("已登记的房屋;选择后住址可留空"),
    )


def check_past(value, label):
    return validators.clean_past_date(value, label=str(label))


def lookup_person(user, raw: str, action: str = "change") -> Person:
    number = validators.clean_id_number(raw).number
    person = Person.objects.by_id_number(number).restrict(user, action).first()
    if person is None:
        raise ValidationError(_("在您的管辖区域内没有找到该身份证号码对应的人员"))
    return person


class ResidenceFieldsMixin:
    """Grid, dwelling and arrival fields shared by registration and moving."""

    cleaned_data: dict[str, Any]  # the form's, which this mixes into

    def clean_arrived_on(self):
        return check_past(self.cleaned_data.get("arrived_on"), _("来本地日期"))

    def _check_dwelling_grid(self, cleaned: dict) -> None:
        dwelling, grid = cleaned.get("dwelling"), cleaned.get("grid")
        if dwelling is not None and grid is not None and dwelling.grid_id != grid.pk:
            self.add_error("dwelling", _("所选房屋不在所选网格内"))  # type: ignore[attr-defined]


class PersonRegisterForm(FieldsetsMixin, ResidenceFieldsMixin, forms.Form):
    fieldsets = [
        (_("身份"), ["id_number", "name", "phone"]),
        (
            _("居住登记"),
            ["grid", "arrived_on", "housing_type", "dwelling", "address", "move_reason"],
        ),
        (
            _("个人信息"),
            ["ethnicity", "education", "marital_status", "hukou_code", "hukou_type"],
        ),
        (_("流出人口"), ["outflow_region_code", "outflow_since"]),
    ]

    id_number = forms.CharField(label=_("身份证号码"), max_length=24)
    name = forms.CharField(label=_("姓名"), max_length=50)
    grid = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("网格"))
    arrived_on = forms.DateField(label=_("来本地日期"), required=False, widget=DateInput())
    housing_type = forms.ChoiceField(
        label=_("住所类型"), choices=blank(HousingType.choices), required=False
    )
    dwelling = forms.ModelChoiceField(queryset=Dwelling.objects.none(), required=False)
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    move_reason = forms.ChoiceField(
        label=_("流动原因"), choices=blank(MoveReason.choices), required=False
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=Ethnicity.choices, initial="01")
    education = forms.ChoiceField(
        label=_("文化程度"), choices=blank(Education.choices), required=False
    )
    marital_status = forms.ChoiceField(
        label=_("婚姻状况"), choices=blank(MaritalStatus.choices), required=False
    )
    hukou_code = PlaceField(
        label=_("户籍地"),
        required=False,
        help_text=_("输入地名从提示中选择,或填写6位行政区划代码;留空则取身份证号码前6位"),
    )
    hukou_type = forms.ChoiceField(
        label=_("户口性质"), choices=blank(HukouType.choices), required=False
    )
    outflow_region_code = PlaceField(
        label=_("流向地"),
        required=False,
        help_text=_("本市户籍人员外出居住的地方:输入地名从提示中选择,或填写6位行政区划代码"),
    )
    outflow_since = forms.DateField(label=_("流出日期"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"] = grid_field(user)
        self.fields["dwelling"] = dwelling_field(user)
        preselect_single_grid(self)

    def clean_id_number(self):
        return validators.clean_id_number(self.cleaned_data["id_number"]).number

    def clean_phone(self):
        return validators.clean_phone(self.cleaned_data.get("phone", ""))

    def clean_hukou_code(self):
        code = self.cleaned_data.get("hukou_code", "").strip()
        return validators.clean_region_code(code) if code else ""

    def clean_outflow_region_code(self):
        code = self.cleaned_data.get("outflow_region_code", "").strip()
        return validators.clean_region_code(code) if code else ""

    def clean_outflow_since(self):
        return check_past(self.cleaned_data.get("outflow_since"), _("流出日期"))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        id_number = cleaned.get("id_number")
        birth = validators.clean_id_number(id_number).birth_date if id_number else None
        hukou = cleaned.get("hukou_code") or (id_number[:6] if id_number else "")
        errors = rules.person_errors(
            birth_date=birth,
            hukou_code="" if "hukou_code" in self.errors else hukou,
            outflow_region_code=cleaned.get("outflow_region_code", ""),
            outflow_since=cleaned.get("outflow_since"),
            arrived_on=cleaned.get("arrived_on"),
            housing_type=cleaned.get("housing_type", ""),
            invalid=self.errors.keys(),
        )
        for field, error in errors.items():
            self.add_error(field, error)
        self._check_dwelling_grid(cleaned)
        return cleaned


ARRIVAL_FIELDS = ["arrived_on", "housing_type", "dwelling", "address", "move_reason"]
OUTFLOW_FIELDS = ["outflow_region_code", "outflow_since"]


class PersonArrivalForm(PersonRegisterForm):
    """Registration of someone living here (arrived, or registered and at home): the
    registration form without the outflow part (its own page, ``PersonOutflowForm``)."""

    fieldsets = [
        (_("身份"), ["id_number", "name", "phone"]),
        (_("居住登记"), ["grid", *ARRIVAL_FIELDS]),
        (
            _("个人信息"),
            ["ethnicity", "education", "marital_status", "hukou_code", "hukou_type"],
        ),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in OUTFLOW_FIELDS:
            del self.fields[name]


class PersonOutflowForm(PersonRegisterForm):
    """Registration of a registered resident living elsewhere (流出人口): where they went
    and since when, managed at a grid; no arrival, housing or dwelling."""

    fieldsets = [
        (_("身份"), ["id_number", "name", "phone"]),
        (_("流出情况"), ["outflow_region_code", "outflow_since", "grid"]),
        (
            _("个人信息"),
            ["ethnicity", "education", "marital_status", "hukou_code", "hukou_type"],
        ),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ARRIVAL_FIELDS:
            del self.fields[name]
        self.fields["outflow_region_code"].required = True
        self.fields["grid"].label = _("管理网格")
        self.fields["grid"].help_text = _("户籍所在地的网格,由其负责联系和服务")


class PersonEditForm(VersionedForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        help_text=_("留空则不修改"),
    )
    ethnicity = forms.ChoiceField(label=_("民族"), choices=Ethnicity.choices)
    education = forms.ChoiceField(
        label=_("文化程度"), choices=blank(Education.choices), required=False
    )
    marital_status = forms.ChoiceField(
        label=_("婚姻状况"), choices=blank(MaritalStatus.choices), required=False
    )
    hukou_code = PlaceField(label=_("户籍地"))
    hukou_type = forms.ChoiceField(
        label=_("户口性质"), choices=blank(HukouType.choices), required=False
    )
    outflow_region_code = PlaceField(label=_("流向地"), required=False)
    outflow_since = forms.DateField(label=_("流出日期"), required=False, widget=DateInput())

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        if not person.outflow_region_code:
            del self.fields["outflow_region_code"]
            del self.fields["outflow_since"]

    def clean_phone(self):
        return validators.clean_phone(self.cleaned_data.get("phone", ""))

    def clean_hukou_code(self):
        return validators.clean_region_code(self.cleaned_data["hukou_code"])

    def clean_outflow_region_code(self):
        return validators.clean_region_code(self.cleaned_data["outflow_region_code"])

    def clean_outflow_since(self):
        return check_past(self.cleaned_data.get("outflow_since"), _("流出日期"))


class ResidenceMoveForm(ResidenceFieldsMixin, forms.Form):
    grid = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("新网格"))
    arrived_on = forms.DateField(label=_("来本地日期"), widget=DateInput())
    housing_type = forms.ChoiceField(label=_("住所类型"), choices=blank(HousingType.choices))
    dwelling = forms.ModelChoiceField(queryset=Dwelling.objects.none(), required=False)
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    move_reason = forms.ChoiceField(
        label=_("流动原因"), choices=blank(MoveReason.choices), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"] = grid_field(user)
        self.fields["grid"].label = _("新网格")
        self.fields["dwelling"] = dwelling_field(user)
        preselect_single_grid(self)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self._check_dwelling_grid(cleaned)
        return cleaned


class ResidenceCloseForm(forms.Form):
    departed_on = forms.DateField(label=_("离开日期"), widget=DateInput())
    destination_code = forms.CharField(
        label=_("去向地代码"),
        max_length=6,
        required=False,
        help_text=_("6位行政区划代码;本市户籍人员离开本市时必填"),
    )

    def clean_departed_on(self):
        return check_past(self.cleaned_data.get("departed_on"), _("离开日期"))

    def clean_destination_code(self):
        code = self.cleaned_data.get("destination_code", "").strip()
        return validators.clean_region_code(code) if code else ""


class EmploymentForm(forms.Form):
    industry = forms.ChoiceField(label=_("行业"), choices=blank(Industry.choices))
    occupation = forms.CharField(label=_("职业"), max_length=100, required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    started_on = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    ended_on = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())

    def clean_started_on(self):
        return check_past(self.cleaned_data.get("started_on"), _("开始日期"))


class HouseholdCreateForm(forms.Form):
    head_id_number = forms.CharField(label=_("户主身份证号码"), max_length=24)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

    def __init__(self, *args, user, head: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.head = head
        if head is not None:
            del self.fields["head_id_number"]

    def clean_head_id_number(self):
        return lookup_person(self.user, self.cleaned_data["head_id_number"])

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        cleaned["head"] = self.head or cleaned.get("head_id_number")
        return cleaned


class HouseholdMemberForm(forms.Form):
    person = forms.CharField(label=_("成员身份证号码"), max_length=24)
    relation = forms.ChoiceField(
        label=_("与户主关系"),
        choices=blank([c for c in Relation.choices if c[0] != Relation.HEAD]),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_person(self):
        return lookup_person(self.user, self.cleaned_data["person"])


class TransferRequestForm(ResidenceFieldsMixin, forms.Form):
    """A request to move a person registered in another area into one of the user's grids."""

    id_number = forms.CharField(label=_("身份证号码"), max_length=24)
    grid = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("迁入网格"))
    arrived_on = forms.DateField(label=_("来本地日期"), widget=DateInput())
    housing_type = forms.ChoiceField(label=_("住所类型"), choices=blank(HousingType.choices))
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    move_reason = forms.ChoiceField(
        label=_("流动原因"), choices=blank(MoveReason.choices), required=False
    )
    note = forms.CharField(
        label=_("申请说明"),
        max_length=200,
        required=False,
        help_text=_("写给原登记辖区,例如此人何时迁入、有何证明"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"] = grid_field(user, label=_("迁入网格"))
        preselect_single_grid(self)

    def clean_id_number(self):
        return validators.clean_id_number(self.cleaned_data["id_number"]).number


class TransferDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("处理意见"),
        max_length=200,
        required=False,
        help_text=_("拒绝时必填,申请方可见"),
    )

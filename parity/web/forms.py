"""Forms behind the registry pages. Field rules come from ``parity.people.validators`` so a
form, an import row and an API call reject the same values with the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parity.areas.models import Area
from parity.core.concurrency import VersionedForm
from parity.housing.models import Dwelling
from parity.people import rules, validators
from parity.people.choices import (
    Education,
    Ethnicity,
    HousingType,
    HukouType,
    Industry,
    LandlordKind,
    MaritalStatus,
    MoveReason,
    Relation,
)
from parity.people.models import Person


def blank(choices) -> list[tuple[str, Any]]:
    """Choices with an empty first option, for optional selects."""
    return [("", "---------"), *choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's ValidationError on the form, field by field where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _grid_field(user, **kwargs) -> forms.ModelChoiceField:
    kwargs.setdefault("label", _("网格"))
    return forms.ModelChoiceField(
        queryset=Area.objects.restrict(user, "change").grids().order_by("code"), **kwargs
    )


def _preselect_single_grid(form: forms.Form) -> None:
    # A grid worker usually has exactly one grid: choose it for them.
    grids = list(form.fields["grid"].queryset[:2])  # type: ignore[attr-defined]
    if len(grids) == 1 and "grid" not in form.initial:
        form.initial["grid"] = grids[0].pk


def _dwelling_field(user) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Dwelling.objects.restrict(user, "change").order_by("address"),
        label=_("房屋"),
        required=False,
        help_text=_("已登记的房屋;选择后住址可留空"),
    )


def _check_past(value, label):
    return validators.clean_past_date(value, label=str(label))


def _lookup_person(user, raw: str, action: str = "change") -> Person:
    number = validators.clean_id_number(raw).number
    person = Person.objects.by_id_number(number).restrict(user, action).first()
    if person is None:
        raise ValidationError(_("在您的管辖区域内没有找到该身份证号码对应的人员"))
    return person


class FieldsetsMixin:
    """Forms with a ``fieldsets`` list render their fields in titled groups."""

    fieldsets: list[tuple[Any, list[str]]] = []
    fields: dict[str, forms.Field]  # the form's, which this mixes into

    def grouped_fields(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])  # type: ignore[index]
            for legend, names in self.fieldsets
        ]


class ResidenceFieldsMixin:
    """Grid, dwelling and arrival fields shared by registration and moving."""

    cleaned_data: dict[str, Any]  # the form's, which this mixes into

    def clean_arrived_on(self):
        return _check_past(self.cleaned_data.get("arrived_on"), _("来本地日期"))

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
    hukou_code = forms.CharField(
        label=_("户籍地代码"),
        max_length=6,
        required=False,
        help_text=_("6位行政区划代码;留空则取身份证号码前6位"),
    )
    hukou_type = forms.ChoiceField(
        label=_("户口性质"), choices=blank(HukouType.choices), required=False
    )
    outflow_region_code = forms.CharField(
        label=_("流向地代码"),
        max_length=6,
        required=False,
        help_text=_("仅登记流出人口(本市户籍、在外居住)时填写"),
    )
    outflow_since = forms.DateField(label=_("流出日期"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"] = _grid_field(user)
        self.fields["dwelling"] = _dwelling_field(user)
        _preselect_single_grid(self)

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
        return _check_past(self.cleaned_data.get("outflow_since"), _("流出日期"))

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
    hukou_code = forms.CharField(label=_("户籍地代码"), max_length=6)
    hukou_type = forms.ChoiceField(
        label=_("户口性质"), choices=blank(HukouType.choices), required=False
    )
    outflow_region_code = forms.CharField(label=_("流向地代码"), max_length=6, required=False)
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
        return _check_past(self.cleaned_data.get("outflow_since"), _("流出日期"))


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
        self.fields["grid"] = _grid_field(user)
        self.fields["grid"].label = _("新网格")
        self.fields["dwelling"] = _dwelling_field(user)
        _preselect_single_grid(self)

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
        return _check_past(self.cleaned_data.get("departed_on"), _("离开日期"))

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
        return _check_past(self.cleaned_data.get("started_on"), _("开始日期"))


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
        return _lookup_person(self.user, self.cleaned_data["head_id_number"])

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
        return _lookup_person(self.user, self.cleaned_data["person"])


class DwellingRegisterForm(forms.Form):
    address = forms.CharField(label=_("地址"), max_length=200)
    grid = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("网格"))
    dwelling_type = forms.ChoiceField(label=_("房屋类型"), choices=blank(HousingType.choices))
    is_let = forms.BooleanField(label=_("是否出租"), required=False)
    landlord_kind = forms.ChoiceField(
        label=_("房东类型"), choices=blank(LandlordKind.choices), required=False
    )
    landlord_name = forms.CharField(label=_("房东/单位名称"), max_length=100, required=False)
    landlord_phone = forms.CharField(label=_("房东电话"), max_length=20, required=False)
    landlord_id_number = forms.CharField(
        label=_("房东身份证号码"),
        max_length=24,
        required=False,
        help_text=_("房东已在本平台登记时填写,用于关联"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["grid"] = _grid_field(user)
        _preselect_single_grid(self)

    def clean_landlord_phone(self):
        return validators.clean_phone(self.cleaned_data.get("landlord_phone", ""))

    def clean_landlord_id_number(self):
        raw = self.cleaned_data.get("landlord_id_number", "").strip()
        return _lookup_person(self.user, raw, "view") if raw else None

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("is_let") and not (
            cleaned.get("landlord_name") or cleaned.get("landlord_id_number")
        ):
            self.add_error("landlord_name", _("出租房屋须填写房东"))
        return cleaned


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
        self.fields["grid"] = _grid_field(user, label=_("迁入网格"))
        _preselect_single_grid(self)

    def clean_id_number(self):
        return validators.clean_id_number(self.cleaned_data["id_number"]).number


class TransferDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("处理意见"),
        max_length=200,
        required=False,
        help_text=_("拒绝时必填,申请方可见"),
    )

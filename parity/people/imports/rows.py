"""Per-row validation: one plain-Python function from a row's cells to a ``PersonRecord``
or the list of what is wrong with it.

The rules are the web form's (``parity.people.validators``, ``idnumber`` and ``choices``);
only the lookups are prepared once per file (grids, choice labels, region codes) because
the same checks run hundreds of thousands of times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core import crypto
from parity.core.error_codes import ErrorCode
from parity.people import idnumber, validators
from parity.people.imports.columns import (
    CHOICE_COLUMNS,
    HEADER_FOR,
    KEYS,
    choice_lookup,
    label_map,
)
from parity.people.imports.records import PersonRecord
from parity.people.imports.results import RowError

_DATE_PARTS = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MAX_LENGTH = {"name": 50, "address": 200, "occupation": 100, "employer": 200}
_SHORT_CHOICES = ("education", "marital_status", "hukou_type", "housing_type", "move_reason")


def cell_text(value) -> str:
    """A cell as text: Excel numbers lose their ``.0``, dates become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_date(value) -> dt.date:
    """YYYY-MM-DD, YYYY/MM/DD (also without leading zeros, as Excel writes them),
    YYYYMMDD, or a real Excel date. Raises ``ValueError`` with a Chinese message."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).split(" ", 1)[0].split("T", 1)[0]
    parts: tuple[str, ...]
    if len(text) == 8 and text.isdigit():
        parts = (text[:4], text[4:6], text[6:])
    else:
        match = _DATE_PARTS.match(text)
        if match is None:
            raise ValueError(_("日期格式不正确,应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD"))
        parts = match.groups()
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(_("日期不存在")) from None


class RowValidator:
    """Validates rows of one file for one user. ``scope`` is the area-code prefix the user
    may change (``""`` for the whole city, as for the system itself)."""

    def __init__(self, *, columns: dict[str, int], scope: str, today: dt.date) -> None:
        self.today = today
        self.scope = scope
        self.city = settings.PARITY_CITY_CODE
        self.positions = [(KEYS[h], i) for h, i in columns.items()]
        self.width = max(columns.values()) + 1
        self.grids = {code: (pk, level, name) for pk, code, level, name in _areas()}
        self.lookups = {key: choice_lookup(choices) for key, choices in CHOICE_COLUMNS.items()}
        self.labels = {
            key: "、".join(label_map(choices).values()) for key, choices in CHOICE_COLUMNS.items()
        }
        self.regions: dict[str, str] = {}

    def region(self, raw: str) -> str:
        code = self.regions.get(raw)
        if code is None:
            code = validators.clean_region_code(raw)
            self.regions[raw] = code
        return code

    def __call__(self, row: int, cells: Sequence) -> PersonRecord | list[RowError] | None:
        """The record for a good row, the errors of a bad one, ``None`` for a blank row."""
        if len(cells) < self.width:
            cells = [*cells, *([""] * (self.width - len(cells)))]
        raw = {key: cells[index] for key, index in self.positions}
        # CSV cells are always text: skip the general conversion for them.
        values = {
            key: value.strip() if value.__class__ is str else cell_text(value)
            for key, value in raw.items()
        }
        if not any(values.values()):
            return None
        errors: list[RowError] = []

        def error(key: str, message: str, code: str) -> None:
            errors.append(RowError(row, HEADER_FOR[key], values.get(key, ""), message, code))

        for key, limit in _MAX_LENGTH.items():
            if len(values.get(key, "")) > limit:
                error(key, _("内容过长:最多%(n)d个字") % {"n": limit}, ErrorCode.TOO_LONG)
        name = values["name"]
        if not name:
            error("name", _("请填写姓名"), ErrorCode.REQUIRED)

        parsed = None
        if not values["id_number"]:
            error("id_number", _("请填写身份证号码"), ErrorCode.REQUIRED)
        else:
            try:
                # validators.clean_id_number with the day fixed once per file.
                parsed = idnumber.parse(values["id_number"], today=self.today)
            except idnumber.IDNumberError as exc:
                message = exc.message
                if isinstance(raw["id_number"], float | int):
                    message += _("(该单元格是数字格式,Excel会丢失末几位:请把该列设为文本格式)")
                error("id_number", message, exc.code)

        grid = None
        grid_code = values["grid"]
        if not grid_code:
            error("grid", _("请填写网格代码"), ErrorCode.REQUIRED)
        elif (grid := self.grids.get(grid_code)) is None:
            error(
                "grid", _("网格代码 %(code)s 不存在") % {"code": grid_code}, ErrorCode.AREA_UNKNOWN
            )
        elif grid[1] != Level.GRID:
            error(
                "grid",
                _("%(code)s(%(name)s)不是网格,请填写网格一级的代码")
                % {"code": grid_code, "name": grid[2]},
                ErrorCode.AREA_NOT_GRID,
            )
            grid = None
        elif not grid_code.startswith(self.scope):
            error(
                "grid",
                _("网格 %(code)s(%(name)s)不在您的管辖范围内")
                % {"code": grid_code, "name": grid[2]},
                ErrorCode.AREA_OUT_OF_SCOPE,
            )
            grid = None

        chosen: dict[str, str | None] = {}
        for key, table in self.lookups.items():
            text = values.get(key, "")
            if not text:
                chosen[key] = None
                continue
            code = table.get(text) or table.get(text.lower())
            if code is None:
                hint = (
                    _("可填:%(labels)s") % {"labels": self.labels[key]}
                    if key in _SHORT_CHOICES
                    else _("请填写名称或代码")
                )
                error(
                    key,
                    _("“%(value)s”不是有效的%(column)s;%(hint)s")
                    % {"value": text, "column": HEADER_FOR[key], "hint": hint},
                    ErrorCode.INVALID_CHOICE,
                )
            chosen[key] = code

        hukou = None
        if values.get("hukou_code"):
            try:
                hukou = self.region(values["hukou_code"])
            except ValidationError as exc:
                error("hukou_code", exc.messages[0], exc.code or ErrorCode.REGION_CODE)

        phone = phone_hash = None
        if values.get("phone"):
            try:
                phone = validators.clean_phone(values["phone"])
            except ValidationError as exc:
                error("phone", exc.messages[0], exc.code or ErrorCode.PHONE_FORMAT)
            else:
                phone_hash = crypto.blind_index(phone)

        birth = parsed.birth_date if parsed else None
        outflow = ""
        outflow_since = arrived_on = None
        if values.get("outflow_region_code"):
            try:
                outflow = self.region(values["outflow_region_code"])
            except ValidationError as exc:
                error("outflow_region_code", exc.messages[0], exc.code or ErrorCode.REGION_CODE)
            else:
                registered = hukou or (parsed.address_code if parsed else None)
                if outflow.startswith(self.city):
                    error(
                        "outflow_region_code",
                        _("流向地应在本市以外;本市内的迁移请填写网格代码和来本地日期"),
                        ErrorCode.REGION_CODE,
                    )
                elif registered and not registered.startswith(self.city):
                    error(
                        "outflow_region_code",
                        _("流出人口应为本市户籍,该行户籍地代码为 %(code)s") % {"code": registered},
                        ErrorCode.STATUS_CONFLICT,
                    )
            outflow_since = self._date(raw, values, "outflow_since", birth, error, required=False)
        else:
            arrived_on = self._date(raw, values, "arrived_on", birth, error, required=True)
            if not values.get("housing_type"):
                error("housing_type", _("请填写住所类型"), ErrorCode.REQUIRED)

        if not values.get("industry") and (values.get("occupation") or values.get("employer")):
            error("industry", _("填写了职业或工作单位时须填写行业"), ErrorCode.REQUIRED)

        if errors:
            return errors
        assert parsed is not None and grid is not None
        return PersonRecord(
            row=row,
            id_number=parsed.number,
            id_hash=crypto.blind_index(parsed.number),
            name=name,
            sex=parsed.sex,
            birth_date=parsed.birth_date,
            address_code=parsed.address_code,
            grid_id=grid[0],
            area_code=grid_code,
            outflow_region_code=outflow,
            outflow_since=outflow_since,
            arrived_on=arrived_on,
            housing_type=None if outflow else chosen["housing_type"],
            ethnicity=chosen["ethnicity"],
            education=chosen["education"],
            marital_status=chosen["marital_status"],
            hukou_code=hukou,
            hukou_type=chosen["hukou_type"],
            phone=phone,
            phone_hash=phone_hash,
            address=values.get("address") or None,
            move_reason=None if outflow else chosen["move_reason"],
            industry=chosen["industry"],
            occupation=values.get("occupation") or None,
            employer=values.get("employer") or None,
        )

    def _date(self, raw, values, key, birth, error, *, required: bool) -> dt.date | None:
        label = HEADER_FOR[key]
        if not values.get(key):
            if required:
                error(key, _("请填写%(label)s") % {"label": label}, ErrorCode.REQUIRED)
            return None
        try:
            day = parse_date(raw[key])
        except ValueError as exc:
            error(key, str(exc), ErrorCode.INVALID_DATE)
            return None
        if day > self.today:
            try:
                validators.clean_past_date(day, label=label)
            except ValidationError as exc:
                error(key, exc.messages[0], exc.code or ErrorCode.DATE_IN_FUTURE)
                return None
        if birth is not None and day < birth:
            error(
                key,
                _("%(label)s早于出生日期(%(birth)s)") % {"label": label, "birth": birth},
                ErrorCode.DATE_ORDER,
            )
            return None
        return day


def _areas() -> list[tuple[int, str, int, str]]:
    return list(Area.objects.values_list("pk", "code", "level", "name"))

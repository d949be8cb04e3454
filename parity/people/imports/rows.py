"""Per-row validation: one plain-Python function from a row's cells to a ``PersonRecord``
or the list of what is wrong with it.

The rules are the web form's (``parity.people.validators``, ``idnumber``, ``choices`` and
the person rule ``parity.people.rules``); only the lookups are prepared once per file
(grids, choice labels, region codes) because the same checks run hundreds of thousands of
times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.areas.choices import Level
from parity.areas.models import Area
from parity.areas.origins import code_for_place
from parity.core.crypto import blind_indexer
from parity.core.error_codes import ErrorCode
from parity.core.imports.results import RowError
from parity.core.imports.values import (
    ODD,
    clean_name,
    clean_phone,
    clean_text,
    damaged_id_error,
    damaged_number,
    excel_serial_date,
)
from parity.core.params import is_ascii_digits
from parity.people import idnumber, rules, validators
from parity.people.imports.columns import (
    CHOICE_COLUMNS,
    EXTRA_KEYS,
    HEADER_FOR,
    KEYS,
    choice_lookup,
    label_map,
)
from parity.people.imports.records import PersonRecord

_DATE_PARTS = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
_MAX_LENGTH = {"name": 50, "address": 200, "occupation": 100, "employer": 200}
_SHORT_CHOICES = ("education", "marital_status", "hukou_type", "housing_type", "move_reason")
_DATE_CACHE = 100_000
# Older than this on the import day: imported, with a warning to check the ID number.
_AGE_WARNING = 110
_SEXES = {"男": "M", "女": "F", "男性": "M", "女性": "F", "M": "M", "F": "F", "m": "M", "f": "F"}


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
    serial = excel_serial_date(text) if len(text) == 5 else None
    if serial is not None:
        return serial  # a CSV saved from Excel with the date column as numbers
    if len(text) == 8 and is_ascii_digits(text):
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
    may change (``""`` for the whole city, as for the system itself).

    The common case — a well-formed row — runs straight through with no per-row dicts or
    closures; anything unusual (a bad ID number, an odd phone format, a new spelling of a
    date) goes to the general rule in ``idnumber`` / ``validators``, so the rules and
    messages are theirs. Parsed dates and region codes are cached per file: a file has a
    few thousand distinct dates for hundreds of thousands of rows.
    """

    def __init__(
        self,
        *,
        columns: dict[str, int],
        scope: str,
        today: dt.date,
        synonyms: dict[str, dict[str, str]] | None = None,
        round_tripped: bool = False,
    ) -> None:
        self.today = today
        self.scope = scope
        # The ID column went through a number: an ID ending in 000 cannot be trusted.
        self.zeros_damaged = round_tripped
        self.city = settings.PARITY_CITY_CODE
        self.width = max(columns.values()) + 1
        # A column missing from the file reads as the blank cell appended at ``width``.
        self.complete = all(header in columns for header in KEYS)
        self.cells = itemgetter(*(columns.get(header, self.width) for header in KEYS))
        # Columns beyond the template's (性别, 户籍省/市/县), read only when present.
        self.extra = {key: columns[h] for h, key in EXTRA_KEYS.items() if h in columns}
        synonyms = synonyms or {}
        self.sexes = {
            **_SEXES,
            **{k: _SEXES.get(v, v) for k, v in synonyms.get("性别", {}).items()},
        }
        self.oldest = _years_before(today, _AGE_WARNING)
        # Warnings of the row just validated (the caller takes them after each row).
        self.warnings: list[RowError] = []
        self.grids = {code: (pk, level, name) for pk, code, level, name in _areas()}
        self.grid_ids = {
            code: pk
            for code, (pk, level, _name) in self.grids.items()
            if level == Level.GRID and code.startswith(scope)
        }
        self.lookups = {
            key: choice_lookup(choices, synonyms.get(HEADER_FOR[key]))
            for key, choices in CHOICE_COLUMNS.items()
        }
        self.labels = {
            key: "、".join(label_map(choices).values()) for key, choices in CHOICE_COLUMNS.items()
        }
        self.regions: dict[str, str] = {}
        self.dates: dict[str, dt.date] = {}
        self.births: dict[str, dt.date | None] = {}
        self.blind_index = blind_indexer()

    def region(self, raw: str) -> str:
        """A six-digit code, or a place written out (「河南省郑州市金水区」) as its code."""
        code = self.regions.get(raw)
        if code is None:
            text = raw
            if not raw.isdigit():
                place = code_for_place(raw)
                if place is None:
                    raise ValidationError(
                        _("无法识别“%(place)s”:请填写6位行政区划代码,或写明省、市、县名称")
                        % {"place": raw},
                        code=ErrorCode.REGION_CODE,
                    )
                text = place
            code = validators.clean_region_code(text)
            self.regions[raw] = code
        return code

    def __call__(self, row: int, cells: Sequence) -> PersonRecord | list[RowError] | None:
        """The record for a good row, the errors of a bad one, ``None`` for a blank row."""
        if not self.complete:
            # A column missing from the file reads the blank cell at ``width``: cut any
            # column past the header's last known one (a note, an unmapped column).
            cells = [*cells[: self.width], *([""] * (self.width + 1 - min(len(cells), self.width)))]
        elif len(cells) < self.width:
            cells = [*cells, *([""] * (self.width - len(cells)))]
        raw = self.cells(cells)
        try:
            values = list(map(str.strip, raw))  # CSV cells are always text
        except TypeError:  # numbers, dates or blanks from Excel
            values = [v.strip() if v.__class__ is str else cell_text(v) for v in raw]
        if not values[0] and not values[1]:
            return None  # neither a name nor an ID number: a blank, total or note row
        joined = "\x1f".join(values)
        if ODD.search(joined) or "'" in joined or '="' in joined:
            values = [clean_text(v) for v in values]
        (
            name,
            id_text,
            ethnicity,
            education,
            marital_status,
            hukou_text,
            hukou_type,
            phone_text,
            grid_code,
            address,
            arrived_text,
            housing_type,
            move_reason,
            outflow_text,
            outflow_since_text,
            industry,
            occupation,
            employer,
        ) = values
        errors: list[RowError] = []
        if " " in name:
            name = clean_name(name)

        def error(key: str, value: str, message: str, code: str) -> None:
            errors.append(RowError(row, HEADER_FOR[key], value, message, code, name))

        def warn(header: str, value: str, message: str, code: str) -> None:
            self.warnings.append(RowError(row, header, value, message, code, name))

        if len(name) > 50 or len(address) > 200 or len(occupation) > 100 or len(employer) > 200:
            for key, value in (
                ("name", name),
                ("address", address),
                ("occupation", occupation),
                ("employer", employer),
            ):
                limit = _MAX_LENGTH[key]
                if len(value) > limit:
                    message = _("内容过长:最多%(n)d个字") % {"n": limit}
                    error(key, value, message, ErrorCode.TOO_LONG)
        if not name:
            error("name", name, _("请填写姓名"), ErrorCode.REQUIRED)

        number = birth = None
        id_raw = raw[1]
        damaged = None
        if id_raw.__class__ is not str or id_text[-3:] == "000" or "E" in id_text.upper():
            damaged = damaged_number(id_raw, id_text, zeros=self.zeros_damaged)
        if not id_text:
            error("id_number", id_text, _("请填写身份证号码"), ErrorCode.REQUIRED)
        elif damaged is not None:
            error("id_number", damaged, *damaged_id_error(damaged))
        else:
            number, birth = self._id_number(id_text)
            if number is None:
                try:
                    # validators.clean_id_number with the day fixed once per file.
                    parsed = idnumber.parse(id_text, today=self.today)
                except idnumber.IDNumberError as exc:
                    message = exc.message
                    if isinstance(raw[1], float | int):
                        message += _("(该单元格是数字格式,Excel会丢失末几位:请把该列设为文本格式)")
                    error("id_number", id_text, message, exc.code)
                else:
                    number, birth = parsed.number, parsed.birth_date

        grid_id = self.grid_ids.get(grid_code)
        if grid_id is None:
            self._grid_error(grid_code, error)

        chosen: list[str | None] = []
        for key, text in (
            ("ethnicity", ethnicity),
            ("education", education),
            ("marital_status", marital_status),
            ("hukou_type", hukou_type),
            ("housing_type", housing_type),
            ("move_reason", move_reason),
            ("industry", industry),
        ):
            if not text:
                chosen.append(None)
                continue
            table = self.lookups[key]
            code = table.get(text) or table.get(text.lower())
            if code is None:
                self._choice_error(key, text, error)
            chosen.append(code)

        hukou = None
        if not hukou_text and self.extra:
            hukou_text = self._hukou_place(cells)
        if hukou_text:
            try:
                hukou = self.region(hukou_text)
            except ValidationError as exc:
                error("hukou_code", hukou_text, exc.messages[0], exc.code or ErrorCode.REGION_CODE)

        phone = phone_hash = None
        if phone_text:
            if len(phone_text) != 11 or not phone_text.isdigit():
                phone_text = clean_phone(phone_text)
            if (
                len(phone_text) == 11
                and phone_text.isascii()
                and phone_text.isdigit()
                and phone_text[0] == "1"
                and phone_text[1] in "3456789"
            ):
                phone = phone_text  # the common case of validators.clean_phone
            else:
                try:
                    phone = validators.clean_phone(phone_text)
                except ValidationError as exc:
                    message = exc.messages[0]
                    error("phone", phone_text, message, exc.code or ErrorCode.PHONE_FORMAT)
            if phone:
                phone_hash = self.blind_index(phone)

        outflow = ""
        outflow_since = arrived_on = None
        invalid = set()
        if outflow_text:
            try:
                outflow = self.region(outflow_text)
            except ValidationError as exc:
                code = exc.code or ErrorCode.REGION_CODE
                error("outflow_region_code", outflow_text, exc.messages[0], code)
                invalid.add("outflow_region_code")
            if outflow_since_text:
                since = outflow_since_text
                outflow_since = self._date(raw[14], since, "outflow_since", error)
                if outflow_since is None:
                    invalid.add("outflow_since")
        elif arrived_text:
            arrived_on = self._date(raw[10], arrived_text, "arrived_on", error)
            if arrived_on is None:
                invalid.add("arrived_on")
        wrong = rules.person_errors(
            birth_date=birth,
            hukou_code=hukou or ("" if hukou_text or number is None else number[:6]),
            outflow_region_code=outflow,
            outflow_since=outflow_since,
            arrived_on=arrived_on,
            housing_type=housing_type,
            invalid=invalid,
            today=self.today,
        )
        if wrong:
            given = {
                "outflow_region_code": outflow_text,
                "outflow_since": outflow_since_text,
                "arrived_on": arrived_text,
                "housing_type": housing_type,
            }
            for key, problem in wrong.items():
                error(key, given[key], problem.messages[0], problem.code or ErrorCode.REQUIRED)

        if errors:
            return errors
        assert number is not None and birth is not None and grid_id is not None
        sex = "M" if number[16] in "13579" else "F"
        if self.extra:
            self._check_sex(cells, sex, warn)
        if birth < self.oldest:
            warn(
                HEADER_FOR["id_number"],
                number[:6] + "********" + number[14:],
                _("按身份证号码计算年龄超过%(n)d岁,已导入,请核对号码") % {"n": _AGE_WARNING},
                ErrorCode.AGE_UNLIKELY,
            )
        if not industry and (occupation or employer):
            # Registers rarely have an industry column: the person is imported; the job
            # needs its industry (GB/T 4754 section) to be kept.
            warn(
                HEADER_FOR["industry"],
                "",
                _("未填写行业:人员已导入,职业和工作单位未保存;请在人员页面补填行业"),
                ErrorCode.JOB_WITHOUT_INDUSTRY,
            )
        return PersonRecord(
            row=row,
            id_number=number,
            id_hash=self.blind_index(number),
            name=name,
            sex=sex,
            birth_date=birth,
            grid_id=grid_id,
            area_code=grid_code,
            outflow_region_code=outflow,
            outflow_since=outflow_since,
            arrived_on=arrived_on,
            housing_type=None if outflow else chosen[4],
            ethnicity=chosen[0],
            education=chosen[1],
            marital_status=chosen[2],
            hukou_code=hukou,
            hukou_type=chosen[3],
            phone=phone,
            phone_hash=phone_hash,
            address=address or None,
            move_reason=None if outflow else chosen[5],
            industry=chosen[6],
            occupation=occupation or None,
            employer=employer or None,
        )

    def _hukou_place(self, cells: Sequence) -> str:
        parts = [
            clean_text(cell_text(cells[self.extra[key]])) if self.extra[key] < len(cells) else ""
            for key in ("hukou_province", "hukou_city", "hukou_county")
            if key in self.extra
        ]
        return "".join(parts)

    def _check_sex(self, cells: Sequence, sex: str, warn) -> None:
        index = self.extra.get("sex")
        if index is None or index >= len(cells):
            return
        text = clean_text(cell_text(cells[index]))
        given = self.sexes.get(text)
        if given is not None and given != sex:
            warn(
                "性别",
                text,
                _("性别“%(given)s”与身份证号码不符(号码为%(sex)s性),已按身份证号码登记")
                % {"given": text, "sex": "男" if sex == "M" else "女"},
                ErrorCode.SEX_MISMATCH,
            )

    def _id_number(self, text: str) -> tuple[str | None, dt.date | None]:
        """The common case of ``idnumber.parse`` — 18 ASCII characters, a real birth date
        not after today, the right check character — or ``(None, None)`` for the general
        rule to decide (and word the error)."""
        if len(text) != 18 or not text.isascii() or not text[:17].isdigit():
            return None, None
        last = text[17]
        if last == "x":
            text = text[:17] + "X"
        elif last != "X" and not last.isdigit():
            return None, None
        digits = text[6:14]
        if digits in self.births:
            birth = self.births[digits]
        else:
            try:
                birth = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            except ValueError:
                birth = None
            self.births[digits] = birth
        if birth is None or birth > self.today or check_character(text) != text[17]:
            return None, None
        return text, birth

    def _grid_error(self, grid_code: str, error) -> None:
        grid = self.grids.get(grid_code)
        if not grid_code:
            error("grid", grid_code, _("请填写网格代码"), ErrorCode.REQUIRED)
        elif grid is None:
            message = _("网格代码 %(code)s 不存在") % {"code": grid_code}
            error("grid", grid_code, message, ErrorCode.AREA_UNKNOWN)
        elif grid[1] != Level.GRID:
            error(
                "grid",
                grid_code,
                _("%(code)s(%(name)s)不是网格,请填写网格一级的代码")
                % {"code": grid_code, "name": grid[2]},
                ErrorCode.AREA_NOT_GRID,
            )
        else:
            error(
                "grid",
                grid_code,
                _("网格 %(code)s(%(name)s)不在您的管辖范围内")
                % {"code": grid_code, "name": grid[2]},
                ErrorCode.AREA_OUT_OF_SCOPE,
            )

    def _choice_error(self, key: str, text: str, error) -> None:
        hint = (
            _("可填:%(labels)s") % {"labels": self.labels[key]}
            if key in _SHORT_CHOICES
            else _("请填写名称或代码")
        )
        error(
            key,
            text,
            _("“%(value)s”不是有效的%(column)s;%(hint)s")
            % {"value": text, "column": HEADER_FOR[key], "hint": hint},
            ErrorCode.INVALID_CHOICE,
        )

    def _date(self, raw, text: str, key: str, error) -> dt.date | None:
        """The cell's date, or ``None`` after reporting why it is not one (or is in the
        future); its order against the birth date is the person rule's."""
        label = HEADER_FOR[key]
        day = self.dates.get(text) if raw.__class__ is str else None
        if day is None:
            try:
                day = parse_date(raw)
            except ValueError as exc:
                error(key, text, str(exc), ErrorCode.INVALID_DATE)
                return None
            if raw.__class__ is str and len(self.dates) < _DATE_CACHE:
                self.dates[text] = day
        if day > self.today:
            try:
                validators.clean_past_date(day, label=label)
            except ValidationError as exc:
                error(key, text, exc.messages[0], exc.code or ErrorCode.DATE_IN_FUTURE)
                return None
        return day


def check_character(number: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an ID number's first 17 digits.

    The weights are 2^17 … 2^1 (mod 11); since 13 ≡ 2 (mod 11), the weighted sum is
    2 × (the digits read in base 13) mod 11, which ``int`` computes in C. The tests compare
    it with python-stdnum's ``ric.calc_check_digit``.
    """
    check = (1 - 2 * int(number[:17], 13)) % 11
    return "X" if check == 10 else str(check)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _areas() -> list[tuple[int, str, int, str]]:
    return list(Area.objects.values_list("pk", "code", "level", "name"))

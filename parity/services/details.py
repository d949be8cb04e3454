"""Per-service-type details, validated against the type's ``details_schema``.

A schema is a list of field specs: ``{"name", "label", "type", "required", "choices",
"min", "max"}`` with ``type`` one of ``DetailType``. The same check serves the web form,
the API and file imports.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.services.choices import DetailType


def validate_schema(schema: Any) -> list[dict[str, Any]]:
    if not isinstance(schema, list):
        raise ValidationError(_("明细字段定义应为列表"), code="invalid")
    names = set()
    for spec in schema:
        if not isinstance(spec, dict) or not spec.get("name") or not spec.get("label"):
            raise ValidationError(_("每个明细字段都要有 name 和 label"), code="invalid")
        if spec.get("type", DetailType.TEXT) not in DetailType.values:
            raise ValidationError(
                _("明细字段 %(name)s 的类型 %(type)s 无效")
                % {"name": spec["name"], "type": spec.get("type")},
                code="invalid",
            )
        if spec["name"] in names:
            raise ValidationError(_("明细字段重名:%(name)s") % {"name": spec["name"]})
        names.add(spec["name"])
    return schema


def clean_details(schema: list[dict[str, Any]], raw: dict[str, Any] | None) -> dict[str, Any]:
    """Return JSON-ready details; raise one ValidationError naming every bad field."""
    raw = dict(raw or {})
    cleaned: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    known = {spec["name"] for spec in schema}
    for name in sorted(set(raw) - known):
        if raw[name] not in (None, ""):
            errors[name] = ValidationError(_("未知的明细字段"), code="invalid")
    for spec in schema:
        name, label = spec["name"], spec["label"]
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.get("required"):
                errors[name] = ValidationError(
                    _("请填写%(label)s") % {"label": label}, code="required"
                )
            continue
        try:
            cleaned[name] = _convert(spec, value)
        except ValidationError as exc:
            errors[name] = exc
    if errors:
        raise ValidationError(errors)
    return cleaned


def _convert(spec: dict[str, Any], value: Any) -> Any:
    kind = spec.get("type", DetailType.TEXT)
    label = spec["label"]
    if kind == DetailType.TEXT:
        return str(value).strip()[:500]
    if kind == DetailType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "是", "y"):
            return True
        if text in ("0", "false", "no", "否", "n"):
            return False
        raise ValidationError(_("%(label)s应为“是”或“否”") % {"label": label}, code="invalid")
    if kind == DetailType.DATE:
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValidationError(
                _("%(label)s应为日期(YYYY-MM-DD)") % {"label": label}, code="invalid_date"
            ) from None
    if kind == DetailType.CHOICE:
        choices = spec.get("choices") or []
        if value not in choices:
            raise ValidationError(
                _("%(label)s只能是:%(choices)s") % {"label": label, "choices": "、".join(choices)},
                code="invalid_choice",
            )
        return value
    # integer / decimal, with optional bounds
    try:
        number = int(value) if kind == DetailType.INTEGER else Decimal(str(value))
    except (ValueError, InvalidOperation):
        raise ValidationError(_("%(label)s应为数字") % {"label": label}, code="invalid") from None
    if "min" in spec and number < spec["min"] or "max" in spec and number > spec["max"]:
        raise ValidationError(
            _("%(label)s应在 %(min)s 到 %(max)s 之间")
            % {"label": label, "min": spec.get("min", "—"), "max": spec.get("max", "—")},
            code="invalid",
        )
    return number if kind == DetailType.INTEGER else str(number)

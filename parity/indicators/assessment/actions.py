"""Writes of target assessment (目标考核): setting, deleting and importing yearly targets.

A user sets targets only for areas inside (or equal to) their assessment scope
(``permissions.ASSESS``: officials and administrators); every change writes an audit
event with the values before and after.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parity.accounts.permissions import ASSESS, scope_code
from parity.areas.models import Area
from parity.core.actions import changed, ensure_can
from parity.core.actions import snapshot as audit_snapshot
from parity.core.concurrency import check_version
from parity.core.imports import ImportResult, write_error_file
from parity.core.imports.mapping import Importer
from parity.core.imports.table import Refusal
from parity.core.models import audit
from parity.indicators.assessment.forms import target_problems
from parity.indicators.assessment.imports import TargetRow, check_file, header_spec
from parity.indicators.error_codes import IndicatorErrorCode
from parity.indicators.models import Indicator, Target

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
FAILED_ACTION = "target.import_failed"
_refused = Refusal(FAILED_ACTION, "indicators.target")
# Who changed a target is kept on the row and in the audit event, not compared.
_NOT_COMPARED = ("updated_by_id",)


def _decimal(value: Decimal | int | float | str, field: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: ValidationError(_("应为数字"), code=IndicatorErrorCode.NOT_A_NUMBER)}
        ) from None


def _save(
    *,
    acting_user,
    year: int,
    area: Area,
    indicator: Indicator,
    value: Decimal | int | float | str,
    measure: str,
    weight: Decimal | int | float | str,
    note: str,
    audit_note: str = "",
    expected_version: str | None = None,
) -> tuple[Target, str]:
    ensure_can(acting_user, ASSESS, area.code)
    problems = target_problems(indicator, measure)
    if problems:
        raise ValidationError(problems)
    target = (
        Target.objects.select_for_update().filter(year=year, area=area, indicator=indicator).first()
    )
    if target is not None:
        check_version(target, expected_version)
    before = audit_snapshot(target) if target is not None else None
    if target is None:
        target = Target(year=year, area=area, indicator=indicator)
    target.measure = measure
    target.value = _decimal(value, "value")
    target.weight = _decimal(weight, "weight")
    target.note = note
    target.updated_by = acting_user if getattr(acting_user, "pk", None) else None
    target.full_clean()
    # Compare at the stored precision (95 and 95.00 are the same target).
    target.value = target.value.quantize(Decimal("0.01"))
    target.weight = target.weight.quantize(Decimal("0.01"))
    after = audit_snapshot(target)
    if before is not None:
        old, new = changed(
            {k: v for k, v in before.items() if k not in _NOT_COMPARED},
            {k: v for k, v in after.items() if k not in _NOT_COMPARED},
        )
        if not new:
            return target, UNCHANGED
        target.save()
        audit(
            acting_user=acting_user,
            action="target.set",
            obj=target,
            area_code=area.code,
            before=old,
            after=new,
            note=audit_note,
        )
        return target, UPDATED
    target.save()
    audit(
        acting_user=acting_user,
        action="target.set",
        obj=target,
        area_code=area.code,
        after=audit_snapshot(target),
        note=audit_note,
    )
    return target, CREATED


@transaction.atomic
def target_set(
    *,
    acting_user,
    year: int,
    area: Area,
    indicator: Indicator,
    value: Decimal | int | float | str,
    measure: str = "floating_rate",
    weight: Decimal | int | float | str = 1,
    note: str = "",
    expected_version: str | None = None,
) -> Target:
    """Create or update the target of an area on an indicator for a year (the value a
    percent, 0–100), after checking the user's assessment scope and validating it.
    ``expected_version``: the version of the target the editor opened; if it changed
    since, nothing is saved (``ErrorCode.STALE``)."""
    target, _outcome = _save(
        acting_user=acting_user,
        year=year,
        area=area,
        indicator=indicator,
        value=value,
        measure=measure,
        weight=weight,
        note=note,
        expected_version=expected_version,
    )
    return target


@transaction.atomic
def target_delete(*, acting_user, target: Target) -> None:
    """Delete a target; the audit event keeps what it was."""
    code = target.area.code
    ensure_can(acting_user, ASSESS, code)
    before = audit_snapshot(target)
    pk = target.pk
    target.delete()
    audit(
        acting_user=acting_user,
        action="target.delete",
        object_type="indicators.target",
        object_id=str(pk),
        area_code=code,
        before=before,
    )


def _as_path(file: Path | str | IO) -> Path:
    if isinstance(file, Path | str):
        return Path(file)
    # An uploaded file object: kept in a temporary file for the kit to read (by content).
    suffix = Path(getattr(file, "name", "") or "upload.xlsx").suffix or ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
        chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b"")
        for chunk in chunks:
            handle.write(chunk)
    return Path(handle.name)


def targets_import(
    *,
    acting_user,
    file: Path | str | IO,
    header_row: int | None = None,
    mapping: Mapping[int, str | None] | None = None,
    check_only: bool = False,
    error_format: str = "csv",
) -> ImportResult:
    """Import targets from a register (.xlsx, .xls or .csv) read through the import kit:
    the header found under a title (or ``header_row``), its columns named through the
    alias table (or by ``mapping``).

    All or nothing: every row is checked first (by the page's form, ``TargetForm``); if
    any row has an error nothing is written and the errors are returned (and written to
    the error file beside a file given by path); otherwise every row is created or
    updated in one transaction, each with its audit event. ``check_only`` does it all and
    rolls it back. A file refused as a whole (format, headers, an unclosed quote) raises
    ``ImportFailed`` after writing its error file and an audit event.
    """
    scope = scope_code(acting_user, ASSESS)
    if scope is None:
        raise PermissionDenied(_("您没有设定考核目标的权限"))
    given_path = isinstance(file, Path | str)
    path = _as_path(file)
    result = ImportResult(checked_only=check_only)
    try:
        checked = check_file(path, scope=scope, header_row=header_row, mapping=mapping)
    except ValidationError as exc:
        failed = _refused(path, exc, acting_user, scope, result, error_format)
        if not given_path and result.error_file is not None:
            result.error_file.unlink(missing_ok=True)  # beside a temporary copy: not kept
            result.error_file = None
        raise failed from exc
    finally:
        if not given_path:
            path.unlink(missing_ok=True)
    result.total_rows, result.errors = checked.total, checked.errors
    result.warnings = checked.warnings
    result.header_row, result.ignored_columns = checked.header_row, checked.ignored
    if given_path:
        result.error_file = write_error_file(
            path, result.errors, warnings=result.warnings, fmt=error_format
        )
    if result.errors:
        logger.info("targets import refused", extra=result.log_fields(path, acting_user))
        return result
    with transaction.atomic():
        _write(checked.rows, result, acting_user=acting_user, scope=scope, name=path.name)
        if check_only:
            transaction.set_rollback(True)
    logger.info(
        "targets checked" if check_only else "targets imported",
        extra=result.log_fields(path, acting_user),
    )
    return result


def _write(rows: list[TargetRow], result: ImportResult, *, acting_user, scope: str, name: str):
    for row in rows:
        _target, outcome = _save(
            acting_user=acting_user,
            year=row.year,
            area=row.area,
            indicator=row.indicator,
            value=row.value,
            measure=row.measure,
            weight=row.weight,
            note=row.note,
            audit_note=_("导入 %(name)s 第%(row)d行") % {"name": name, "row": row.row},
        )
        if outcome == CREATED:
            result.created += 1
        elif outcome == UPDATED:
            result.updated += 1
        else:
            result.unchanged += 1
    audit(
        acting_user=acting_user,
        action="target.import",
        object_type="indicators.target",
        area_code=scope,
        after={
            "file": name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        note=name,
    )


def _run(path: Path, *, on_rows=None, **options) -> ImportResult:
    # No rows-read progress: a target file (a row per area and indicator) is checked whole
    # before anything is written, in moments.
    return targets_import(file=path, **options)


# The target import as its page and ``parity import targets`` run it.
TARGETS = Importer(kind="targets", action=ASSESS, spec=header_spec, run=_run)

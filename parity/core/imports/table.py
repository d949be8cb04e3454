"""``open_table``: a file's data table, its header found and its columns named, as every
import reads it."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode
from parity.core.imports.errors import write_error_file
from parity.core.imports.headers import HeaderMatch, HeaderSpec, find_header
from parity.core.imports.reading import Cell, Sheet, open_sheets
from parity.core.imports.results import ImportResult, RowError
from parity.core.models import audit

logger = logging.getLogger(__name__)


class ImportFailed(ValidationError):
    """A file refused as a whole, after its error file was written: ``result`` holds the
    error file and what was saved (nothing, unless the message says which rows)."""

    def __init__(self, message: str, *, result: ImportResult, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.result = result


@dataclass
class Table:
    """The data of one sheet: the header found (``match``), the column of each field
    (``columns``), and ``rows`` — ``(row number, cells)`` after the header."""

    sheet: Sheet
    match: HeaderMatch

    @property
    def columns(self) -> dict[str, int]:
        return self.match.columns

    @property
    def estimate(self) -> int:
        return max(self.sheet.total - self.match.row, 0)

    @property
    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        return self.sheet.rows(self.match.row)


def open_table(
    path: Path,
    spec: HeaderSpec,
    *,
    header_row: int | None = None,
    mapping: Mapping[int, str | None] | None = None,
    sheet: int | None = None,
) -> Table:
    """The first sheet whose header names the required fields (a note sheet may come
    first); a file where none does is refused with the first sheet's reason."""
    sheets = open_sheets(Path(path))
    if sheet is not None:
        sheets = sheets[sheet : sheet + 1]
    first_error: ValidationError | None = None
    for candidate in sheets:
        try:
            match = find_header(candidate.head, spec, header_row=header_row, mapping=mapping)
        except ValidationError as exc:
            first_error = first_error or exc
            continue
        return Table(candidate, match)
    assert first_error is not None
    raise first_error


def id_column_round_tripped(table: Table, header: str) -> bool:
    """Whether the table's column ``header`` went through Excel's number format."""
    index = table.columns.get(header)
    return index is not None and table.sheet.round_tripped(index)


@dataclass(frozen=True)
class Refusal:
    """How one import refuses a whole file: its audit ``action`` and the ``object_type``
    it writes."""

    action: str
    object_type: str

    def __call__(
        self,
        path: Path,
        exc: Exception,
        acting_user,
        scope: str,
        result: ImportResult,
        error_format: str = "csv",
    ) -> ImportFailed:
        """A file refused as a whole, or stopped half-way: the reason, in Chinese, in the
        error file and in an audit event (``action``), with the rows saved said exactly
        (none, unless chunks were committed before the stop)."""
        if isinstance(exc, ValidationError):
            reason = "; ".join(exc.messages)
            code = exc.code or ErrorCode.FILE_FORMAT
        else:
            logger.exception("import stopped", extra={"file": path.name, "action": self.action})
            reason = _("写入数据库时出错,导入已停止")
            code = ErrorCode.SERVER_ERROR
        saved = result.created + result.updated
        if saved:
            saved_text = _("%(reason)s。已保存%(n)d行(新增%(created)d、更新%(updated)d),其余未导入")
            message = saved_text % {
                "reason": reason.rstrip("。"),
                "n": saved,
                "created": result.created,
                "updated": result.updated,
            }
        else:
            message = _("%(reason)s。没有写入任何数据") % {"reason": reason.rstrip("。")}
        result.errors.append(RowError(0, "", "", message, code))
        result.error_file = write_error_file(
            path, result.errors, warnings=result.warnings, fmt=error_format
        )
        audit(
            acting_user=acting_user,
            action=self.action,
            object_type=self.object_type,
            area_code=scope,
            after={
                "file": path.name,
                "reason": reason,
                "created": result.created,
                "updated": result.updated,
            },
            note=path.name,
        )
        return ImportFailed(message, result=result, code=code)

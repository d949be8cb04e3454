"""What an import reports: counts, each bad cell with its row, column and reason, the
warnings that did not stop a row, and the columns that were not imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason a row was skipped (or, as a warning, imported with a remark). ``row`` is
    the spreadsheet row number as Excel shows it; ``column`` is the template's header;
    ``name`` the person's name on that row, so a clerk finds the row again."""

    row: int
    column: str
    value: str
    message: str
    code: str
    name: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_file: Path | None = None
    total_rows: int = 0
    skipped_rows: int = 0
    header_row: int = 1
    ignored_columns: list[str] = field(default_factory=list)
    checked_only: bool = False

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def good_rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def log_fields(self, path: Path, acting_user) -> dict[str, Any]:
        """The import's log line: counts, the file's name and who imported it (never a
        row's content: the error file holds that)."""
        return {
            "file": path.name,
            "user_id": getattr(acting_user, "pk", None),
            "rows": self.total_rows,
            "rows_created": self.created,
            "rows_updated": self.updated,
            "rows_unchanged": self.unchanged,
            "rows_with_errors": self.error_rows,
            "rows_with_warnings": len({w.row for w in self.warnings}),
        }

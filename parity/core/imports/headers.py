"""Finding the table in a register and naming its columns.

Offices put a title above the table (「昆都仑区XX社区流动人口登记表（2024年第三季度）」),
sometimes a date line, then the header, possibly over two rows with merged cells
(「户籍地」 over 「省」「市」「县」); a 序号 column first and a 备注 column last. Each
import names the headers it knows (its template's) and the alias table adds the other
names people use (``ImportAlias``, edited by administrators; ``BUILTIN_ALIASES`` seed it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode
from parity.core.imports.values import clean_text

# How many rows from the top may hold the title and the header.
HEADER_SEARCH_ROWS = 15
# Columns every register may carry that no import reads: never reported as "not imported".
SILENT_HEADERS = frozenset({"序号", "编号", "行号", "No", "NO", "No.", "序", "备注", "说明"})

_REQUIRED_MARKS = re.compile(r"[(（]\s*(必填|必填项|选填|可选|非必填)\s*[)）]")
_STARS = re.compile(r"^[*＊※]+|[*＊※]+$")
_SPACES = re.compile(r"\s+")


def normalise_header(text: object) -> str:
    """A header as matched: half-width, no spaces, no required-mark (「*」「＊」 before or
    after, 「（必填）」), brackets in one width (``目标值（%）`` is ``目标值(%)``)."""
    header = clean_text(str(text or ""))
    header = _REQUIRED_MARKS.sub("", header)
    header = _STARS.sub("", header.strip())
    header = _SPACES.sub("", header)
    return header.replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class HeaderSpec:
    """What one import reads: its ``known`` headers (the template's, in order), the
    ``required`` ones, and ``aliases`` (normalised other name → known header)."""

    kind: str
    known: Sequence[str]
    required: Sequence[str]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def field_for(self, name: str) -> str | None:
        if name in self.known:
            return name
        found = self.aliases.get(name)
        return found if found in self.known else None


@dataclass
class HeaderMatch:
    """The header found in a file: its row (1-based; the last of a two-row header), the
    text of each column, the field each column goes to, and the columns not imported."""

    row: int
    depth: int
    names: list[str]
    fields: list[str | None]
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def first_row(self) -> int:
        """The header's first row (1-based): what a user picks as "the header row"."""
        return self.row - self.depth + 1

    @property
    def columns(self) -> dict[str, int]:
        return {f: i for i, f in enumerate(self.fields) if f}

    @property
    def signature(self) -> str:
        """The same headers in the same order, whatever the file: the key of a saved
        mapping."""
        text = "\x1f".join(self.names)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def header_names(rows: Sequence[Sequence[object]], start: int, depth: int) -> list[str]:
    """The column names of a header of ``depth`` rows (1 or 2) starting at index ``start``.

    In a two-row header a merged cell leaves its text in the first column only: a
    sub-header under an empty top cell belongs to the nearest top cell to its left
    (「户籍地」 over 「省」「市」「县」 gives 户籍地省, 户籍地市, 户籍地县)."""
    top = [normalise_header(c) for c in rows[start]]
    if depth == 1:
        return top
    below = [normalise_header(c) for c in rows[start + 1]] if start + 1 < len(rows) else []
    width = max(len(top), len(below))
    top += [""] * (width - len(top))
    below += [""] * (width - len(below))
    names, parent = [], ""
    for upper, lower in zip(top, below, strict=True):
        if upper:
            parent = upper
            names.append(upper + lower if lower and lower != upper else upper)
        elif lower:
            names.append(parent + lower)
        else:
            parent = ""
            names.append("")
    return names


def _looks_like_subheader(row: Sequence[object]) -> bool:
    """A second header row holds short words, never a number, a date or an ID."""
    texts = [normalise_header(c) for c in row]
    if not any(texts):
        return False
    for raw, text in zip(row, texts, strict=True):
        if not text:
            continue
        if not isinstance(raw, str) or len(text) > 8 or any(ch.isdigit() for ch in text):
            return False
    return True


def _fields(names: list[str], spec: HeaderSpec) -> list[str | None]:
    fields: list[str | None] = []
    seen: set[str] = set()
    for name in names:
        found = spec.field_for(name) if name else None
        if found in seen:
            found = None  # a second column of the same field: the first one counts
        if found:
            seen.add(found)
        fields.append(found)
    return fields


def _unknown(names: list[str], fields: list[str | None]) -> list[str]:
    return [
        n for n, f in zip(names, fields, strict=True) if n and not f and n not in SILENT_HEADERS
    ]


def find_header(
    rows: Sequence[Sequence[object]],
    spec: HeaderSpec,
    *,
    header_row: int | None = None,
    mapping: Mapping[int, str | None] | None = None,
    require: bool = True,
) -> HeaderMatch:
    """The header among the first rows: the row (or two rows) naming the most known
    fields, the earliest on a tie. ``header_row`` (1-based) fixes the row as a user chose
    it; ``mapping`` (column index → field, ``None`` to skip) overrides the proposed
    fields. A file whose header lacks a required field is refused here, before any write
    (with ``require=False`` the match says what is ``missing``, for a page to ask).
    """
    if header_row is not None:
        starts = [header_row - 1]
    else:
        starts = list(range(min(len(rows), HEADER_SEARCH_ROWS)))
    best: HeaderMatch | None = None
    best_score = -1
    for start in starts:
        if start < 0 or start >= len(rows):
            continue
        depths = [1]
        if start + 1 < len(rows) and _looks_like_subheader(rows[start + 1]):
            depths.append(2)
        for depth in depths:
            names = header_names(rows, start, depth)
            fields = _fields(names, spec)
            score = sum(1 for f in fields if f) * 10 + sum(1 for f in fields if f in spec.required)
            # A row of short words under the header (no number, date or ID) is its second
            # row even when the top row alone names as many fields (「区划」 over 「代码」
            # 「名称」): read as data, it would be a bad row.
            same_top = best is not None and best.depth == 1 and best.row == start + 1
            if score > best_score or (depth == 2 and same_top and score == best_score > 0):
                best_score = score
                best = HeaderMatch(start + 1 + depth - 1, depth, names, fields)
    # With a mapping the user names the columns: row 1 (or the chosen row) is the header.
    if best is None or (best_score <= 0 and require and mapping is None):
        if not rows:
            raise ValidationError(_("文件是空的"), code=ErrorCode.FILE_HEADER)
        raise ValidationError(
            _("在文件前%(n)d行中没有找到表头:请确认表头含有%(required)s等列")
            % {"n": HEADER_SEARCH_ROWS, "required": "、".join(spec.required)},
            code=ErrorCode.FILE_HEADER,
        )
    if mapping is not None:
        fields = list(best.fields) + [None] * max(
            0, max(mapping, default=-1) + 1 - len(best.fields)
        )
        for index, chosen in mapping.items():
            if chosen and chosen not in spec.known:
                raise ValidationError(
                    _("“%(field)s”不是可导入的列") % {"field": chosen}, code=ErrorCode.FILE_HEADER
                )
            fields[index] = chosen or None
        taken: dict[str, int] = {}
        for index, chosen in enumerate(fields):
            if chosen and chosen in taken:
                raise ValidationError(
                    _("第%(a)d列和第%(b)d列都对应“%(field)s”,请只选一列")
                    % {"a": taken[chosen] + 1, "b": index + 1, "field": chosen},
                    code=ErrorCode.FILE_HEADER,
                )
            if chosen:
                taken[chosen] = index
        best.names += [""] * (len(fields) - len(best.names))
        best.fields = fields
    best.unknown = _unknown(best.names, best.fields)
    missing = best.missing = [h for h in spec.required if h not in best.fields]
    if missing and require:
        raise ValidationError(
            _(
                "文件缺少必需的列:%(missing)s(表头在第%(row)d行)。请使用导入模板的表头,或在导入页面指定各列对应的内容。"
            )
            % {"missing": "、".join(missing), "row": best.row},
            code=ErrorCode.FILE_HEADER,
        )
    return best


def unknown_message(unknown: Sequence[str]) -> str:
    """「这些列不会导入: …」, or nothing."""
    if not unknown:
        return ""
    return _("这些列不会导入:%(columns)s") % {"columns": "、".join(unknown)}


def column_index(text: str) -> int | None:
    """A column named as Excel names it (``C``, ``AB``) or by its 1-based number, as the
    0-based index; ``None`` when it is neither."""
    if text.isdigit():
        return int(text) - 1 if int(text) > 0 else None
    if not text.isascii() or not text.isalpha():
        return None
    number = 0
    for letter in text.upper():
        number = number * 26 + ord(letter) - 64
    return number - 1

"""Building blocks for the assessment tests: indicators, a finished snapshot and cached
values created directly (no registry needed), and .xlsx target files."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from django.utils import timezone

from parity.indicators.choices import RefreshStatus
from parity.indicators.compute import level_of
from parity.indicators.models import Indicator, IndicatorValue, Snapshot

YEAR = 2026
AS_OF = dt.date(2026, 6, 30)
CITY = "1502"
DONGHE, KUNDULUN, QINGSHAN = "150202", "150203", "150204"
STREET = "150203001"  # 沼潭街道, in 昆都仑区
HEADERS = ["年度", "区划代码", "指标代码", "考核口径", "目标值(%)", "权重", "备注"]


def make_indicator(code: str, **fields) -> Indicator:
    defaults = {"name": f"指标{code}", "category": "test", "in_index": True, "sort_order": 10}
    return Indicator.objects.create(code=code, **{**defaults, **fields})


def make_snapshot(as_of: dt.date = AS_OF, status: str = RefreshStatus.DONE) -> Snapshot:
    return Snapshot.objects.create(as_of=as_of, status=status, started_at=timezone.now())


def put(
    snapshot: Snapshot,
    indicator: Indicator,
    area_code: str,
    floating: tuple[int, int],
    registered: tuple[int, int] = (0, 0),
) -> IndicatorValue:
    """The cached totals of an indicator on a node: (numerator, denominator) per side."""
    return IndicatorValue.objects.create(
        snapshot=snapshot,
        indicator=indicator,
        area_code=area_code,
        level=level_of(area_code),
        floating_num=floating[0],
        floating_den=floating[1],
        registered_num=registered[0],
        registered_den=registered[1],
    )


def xlsx_bytes(rows: Sequence[Sequence], headers: Sequence[str] = HEADERS) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(path: Path, rows: Sequence[Sequence], headers: Sequence[str] = HEADERS) -> Path:
    path.write_bytes(xlsx_bytes(rows, headers))
    return path

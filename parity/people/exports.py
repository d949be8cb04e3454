"""Export people to .xlsx or .csv with the import template's headers.

Exports are masked: the ID and phone columns hold ``id_masked`` and ``phone_masked``,
never clear numbers, so an export cannot be re-imported as it is (the template's note says
so). Callers pass a queryset that is already ``.restrict(user, "view")``-ed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.db.models import Prefetch, QuerySet

from parity.core.exports import write_csv, write_xlsx
from parity.people.choices import (
    Education,
    Ethnicity,
    HousingType,
    HukouType,
    Industry,
    MaritalStatus,
    MoveReason,
)
from parity.people.imports.columns import HEADERS, label_map
from parity.people.models import Employment, Person, Residence

FORMATS = ("xlsx", "csv")
SHEET_TITLE = "人员信息"
_BATCH = 2000


def export_people(queryset: QuerySet[Person], fileobj_or_path: IO | Path | str, fmt: str) -> int:
    """Write the people in ``queryset`` and return how many rows were written.

    Reads in batches of 2,000 with the open residence and current job prefetched: three
    queries a batch, whatever the number of people.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format: {fmt!r}")
    rows = export_rows(queryset)
    if fmt == "csv":
        return _write_csv(rows, fileobj_or_path)
    return _write_xlsx(rows, fileobj_or_path)


def export_queryset(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset.order_by("area_code", "name", "id").prefetch_related(
        Prefetch(
            "residences",
            queryset=Residence.objects.filter(departed_on__isnull=True),
            to_attr="open_residences",
        ),
        Prefetch(
            "employments",
            queryset=Employment.objects.filter(ended_on__isnull=True).order_by(
                "-started_on", "-id"
            ),
            to_attr="current_jobs",
        ),
    )


def export_rows(queryset: QuerySet[Person]) -> Iterator[list]:
    """One row per person, in the template's column order, read in batches."""
    labels = {
        "ethnicity": label_map(Ethnicity),
        "education": label_map(Education),
        "marital_status": label_map(MaritalStatus),
        "hukou_type": label_map(HukouType),
        "housing_type": label_map(HousingType),
        "move_reason": label_map(MoveReason),
        "industry": label_map(Industry),
    }
    for person in export_queryset(queryset).iterator(chunk_size=_BATCH):
        residences = person.open_residences  # type: ignore[attr-defined]
        jobs = person.current_jobs  # type: ignore[attr-defined]
        residence = residences[0] if residences else None
        job = jobs[0] if jobs else None
        # The prefetch links each residence and job back to its person: a reference cycle
        # that only the garbage collector's full passes free. Broken here, each batch is
        # freed as soon as the next one is read, and memory stays flat (bench/exports.py).
        person.open_residences = person.current_jobs = []  # type: ignore[attr-defined]
        yield [
            person.name,
            person.id_masked,
            labels["ethnicity"].get(person.ethnicity, ""),
            labels["education"].get(person.education, ""),
            labels["marital_status"].get(person.marital_status, ""),
            person.hukou_code,
            labels["hukou_type"].get(person.hukou_type, ""),
            person.phone_masked,
            person.area_code,
            residence.address if residence else "",
            residence.arrived_on if residence else None,
            labels["housing_type"].get(residence.housing_type, "") if residence else "",
            labels["move_reason"].get(residence.move_reason, "") if residence else "",
            person.outflow_region_code,
            person.outflow_since,
            labels["industry"].get(job.industry, "") if job else "",
            job.occupation if job else "",
            job.employer if job else "",
        ]


class _Utf8Sink:
    """Lets the csv module write text into a binary file or an HTTP response."""

    def __init__(self, target) -> None:
        self.target = target

    def write(self, text: str) -> None:
        self.target.write(text.encode("utf-8"))


def _write_csv(rows: Iterator[list], target) -> int:
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            return _csv_rows(rows, handle)
    if isinstance(target, io.TextIOBase):
        return _csv_rows(rows, target)
    target.write("\ufeff".encode())  # a BOM, so Excel reads the file as UTF-8
    return _csv_rows(rows, _Utf8Sink(target))


def _csv_rows(rows: Iterator[list], handle) -> int:
    return write_csv(handle, HEADERS, rows)


def _write_xlsx(rows: Iterator[list], target) -> int:
    return write_xlsx(
        str(target) if isinstance(target, Path) else target, SHEET_TITLE, HEADERS, rows
    )

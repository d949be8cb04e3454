"""A validated row of a people file, as the bulk writer takes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(slots=True)
class PersonRecord:
    """A validated row, ready for the writer. ``None`` in an optional field means the
    cell was blank: a new person gets the default (a blank ``hukou_code`` is the ID number's
    address code), an existing one keeps their value."""

    row: int
    id_number: str
    id_hash: str
    name: str
    sex: str
    birth_date: dt.date
    grid_id: int
    area_code: str
    outflow_region_code: str = ""
    outflow_since: dt.date | None = None
    arrived_on: dt.date | None = None
    housing_type: str | None = None
    ethnicity: str | None = None
    education: str | None = None
    marital_status: str | None = None
    hukou_code: str | None = None
    hukou_type: str | None = None
    phone: str | None = None
    phone_hash: str | None = None
    address: str | None = None
    move_reason: str | None = None
    industry: str | None = None
    occupation: str | None = None
    employer: str | None = None
    dwelling_id: int | None = None

    @property
    def address_code(self) -> str:
        return self.id_number[:6]

    @property
    def is_outflow(self) -> bool:
        return bool(self.outflow_region_code)
